// The open room's name, topic and online count, with the members button (narrow screens) and
// "Leave room".
import ExitToAppRounded from '@mui/icons-material/ExitToAppRounded';
import PeopleAltRounded from '@mui/icons-material/PeopleAltRounded';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';

export interface RoomHeaderProps {
  name: string;
  topic: string | null | undefined;
  onlineCount: number;
  /** Present when the member list is not on screen. */
  onShowMembers: (() => void) | undefined;
  onLeave: () => void;
}

export function RoomHeader({ name, topic, onlineCount, onShowMembers, onLeave }: RoomHeaderProps) {
  return (
    <Box
      component="header"
      sx={{
        display: 'flex',
        alignItems: 'center',
        gap: 1,
        px: { xs: 1.5, sm: 2 },
        py: 1,
        borderBottom: 1,
        borderColor: 'divider',
      }}
    >
      <Box sx={{ minWidth: 0, flexGrow: 1 }}>
        <Typography id="room-title" component="h1" variant="h2" noWrap>
          # {name}
        </Typography>
        {topic && (
          <Typography variant="body2" noWrap sx={{ color: 'text.secondary' }}>
            {topic}
          </Typography>
        )}
      </Box>
      <Chip color="success" variant="outlined" label={`${onlineCount} online`} />
      {onShowMembers && (
        <Tooltip title="Members">
          <IconButton aria-label="Show members" onClick={onShowMembers}>
            <PeopleAltRounded />
          </IconButton>
        </Tooltip>
      )}
      <Tooltip title="Leave room">
        <IconButton aria-label="Leave room" onClick={onLeave} edge="end">
          <ExitToAppRounded />
        </IconButton>
      </Tooltip>
    </Box>
  );
}
