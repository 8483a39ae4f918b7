// The room navigation: heading, "new room" button, the list (refreshed every 30 s, with live
// counts for joined rooms), and its loading and error states.
import { useEffect, useMemo, useState } from 'react';
import AddRounded from '@mui/icons-material/AddRounded';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useNavigate, useParams } from 'react-router';
import { useServices } from '../ServicesContext';
import { useRealtime } from '../connection/RealtimeProvider';
import { useStore } from '../shared/useStore';
import { CreateRoomDialog } from './CreateRoomDialog';
import { withLiveCounts } from './live-counts';
import { RoomList } from './RoomList';

export interface RoomsPanelProps {
  /** A room was picked (closes the drawer on phones). */
  onNavigate: () => void;
  refreshMs?: number;
}

export function RoomsPanel({ onNavigate, refreshMs = 30_000 }: RoomsPanelProps) {
  const { rooms } = useServices();
  const state = useStore(rooms.state);
  const { chat } = useRealtime();
  const open = useStore(chat.state).rooms;
  const listed = useMemo(() => withLiveCounts(state.rooms, open), [state.rooms, open]);
  const { roomId } = useParams();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    void rooms.load();
    const timer = setInterval(() => void rooms.load(), refreshMs);
    return () => {
      clearInterval(timer);
    };
  }, [rooms, refreshMs]);

  return (
    <Box
      component="nav"
      aria-label="Rooms"
      sx={{ display: 'flex', flexDirection: 'column', minHeight: 0, flexGrow: 1 }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', px: 2, pt: 2, pb: 1 }}>
        <Typography component="h2" variant="h3" sx={{ flexGrow: 1 }} id="rooms-heading">
          Rooms
        </Typography>
        <Tooltip title="Create a room">
          <IconButton
            aria-label="Create a room"
            onClick={() => {
              setCreating(true);
            }}
          >
            <AddRounded />
          </IconButton>
        </Tooltip>
      </Box>
      {state.status === 'loading' && <LinearProgress aria-label="Loading rooms" />}
      {state.status === 'error' && (
        <Alert
          severity="error"
          sx={{ mx: 2 }}
          action={
            <Button color="inherit" size="small" onClick={() => void rooms.load()}>
              Retry
            </Button>
          }
        >
          {state.error}
        </Alert>
      )}
      {state.status === 'ready' && state.rooms.length === 0 && (
        <Typography sx={{ px: 2, color: 'text.secondary' }}>
          No rooms yet: create the first one.
        </Typography>
      )}
      <Box sx={{ overflowY: 'auto', px: 1, pb: 2 }}>
        <RoomList
          rooms={listed}
          activeRoomId={roomId}
          labelledBy="rooms-heading"
          onNavigate={onNavigate}
        />
      </Box>
      <CreateRoomDialog
        open={creating}
        onClose={() => {
          setCreating(false);
        }}
        onCreate={(input) => rooms.create(input)}
        onCreated={(room) => {
          setCreating(false);
          onNavigate();
          void navigate(`/rooms/${room.id}`);
        }}
      />
    </Box>
  );
}
