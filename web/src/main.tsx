// Browser entry: reads the build-time config, builds the real services once, renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { parseAppConfig } from './app-config';
import { createAppServices } from './services';

const services = createAppServices(parseAppConfig(import.meta.env));
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App services={services} />
  </StrictMode>,
);
