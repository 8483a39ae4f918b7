// The app bar: the room-list button on phones, the brand, the theme toggle and the account menu.
import MenuRounded from '@mui/icons-material/MenuRounded';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import type { SessionUser } from '../auth/session-storage';
import { ColorModeToggle } from '../theme/ColorModeToggle';
import { UserMenu } from './UserMenu';

export interface AppHeaderProps {
  user: SessionUser;
  showRoomsButton: boolean;
  onOpenRooms: () => void;
}

export function AppHeader({ user, showRoomsButton, onOpenRooms }: AppHeaderProps) {
  return (
    <AppBar position="fixed" sx={{ zIndex: (theme) => theme.zIndex.drawer + 1 }}>
      <Toolbar sx={{ gap: 1 }}>
        {showRoomsButton && (
          <IconButton edge="start" aria-label="Open the room list" onClick={onOpenRooms}>
            <MenuRounded />
          </IconButton>
        )}
        <Typography
          component="span"
          variant="h2"
          sx={{ color: 'primary.main', fontWeight: 700, letterSpacing: '-0.02em' }}
        >
          FalaBLAU
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        <ColorModeToggle />
        <UserMenu user={user} />
      </Toolbar>
    </AppBar>
  );
}
