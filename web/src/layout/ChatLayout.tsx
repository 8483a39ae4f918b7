// The signed-in screen: app bar, the room list (a permanent column from md up, a drawer on
// phones), the connection banner, and the routed content (a room, or the "pick a room" page).
import { useState } from 'react';
import Box from '@mui/material/Box';
import Drawer from '@mui/material/Drawer';
import Toolbar from '@mui/material/Toolbar';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import { Outlet } from 'react-router';
import type { SessionUser } from '../auth/session-storage';
import { ConnectionBanner } from '../connection/ConnectionBanner';
import { RoomsPanel } from '../rooms/RoomsPanel';
import { AppHeader } from './AppHeader';

export const ROOMS_DRAWER_WIDTH = 288;

export interface ChatLayoutProps {
  user: SessionUser;
}

export function ChatLayout({ user }: ChatLayoutProps) {
  const theme = useTheme();
  const wide = useMediaQuery(theme.breakpoints.up('md'));
  const [drawerOpen, setDrawerOpen] = useState(false);
  const close = () => {
    setDrawerOpen(false);
  };

  return (
    <Box sx={{ display: 'flex', height: '100dvh', overflow: 'hidden' }}>
      <AppHeader
        user={user}
        showRoomsButton={!wide}
        onOpenRooms={() => {
          setDrawerOpen(true);
        }}
      />
      <Box sx={{ width: { md: ROOMS_DRAWER_WIDTH }, flexShrink: { md: 0 } }}>
        <Drawer
          variant={wide ? 'permanent' : 'temporary'}
          open={wide || drawerOpen}
          onClose={close}
          ModalProps={{ keepMounted: true }}
          sx={{
            '& .MuiDrawer-paper': {
              width: { xs: 'min(85vw, 320px)', md: ROOMS_DRAWER_WIDTH },
              boxSizing: 'border-box',
            },
          }}
        >
          <Toolbar />
          <RoomsPanel onNavigate={close} />
        </Drawer>
      </Box>
      <Box
        component="main"
        sx={{ flexGrow: 1, minWidth: 0, display: 'flex', flexDirection: 'column' }}
      >
        <Toolbar />
        <ConnectionBanner />
        <Outlet />
      </Box>
    </Box>
  );
}
