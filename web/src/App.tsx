// The root component: services (real ones from main.tsx, fakes in tests), the theme, the router.
import { useEffect } from 'react';
import { BrowserRouter } from 'react-router';
import { AppRoutes } from './AppRoutes';
import type { AppServices } from './services';
import { ServicesProvider } from './ServicesContext';
import { AppTheme } from './theme/AppTheme';

export interface AppProps {
  services: AppServices;
}

export function App({ services }: AppProps) {
  // Token refresh timer and cross-tab session sync run while the app is mounted.
  useEffect(() => services.session.start(), [services]);
  return (
    <ServicesProvider services={services}>
      <AppTheme>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </AppTheme>
    </ServicesProvider>
  );
}
