// "bo joined the room" / "bo left the room" between messages.
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { RoomNotice } from './room-state';

export interface NoticeItemProps {
  notice: RoomNotice;
}

export function NoticeItem({ notice }: NoticeItemProps) {
  return (
    <Box component="li" sx={{ textAlign: 'center', py: 0.5 }}>
      <Typography variant="caption" sx={{ color: 'text.secondary' }}>
        {notice.username} {notice.kind === 'joined' ? 'joined' : 'left'} the room
      </Typography>
    </Box>
  );
}
