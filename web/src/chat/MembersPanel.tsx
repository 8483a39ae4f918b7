// Where the member list goes: a column beside the messages on large screens, a drawer from the
// right otherwise (opened by the room header's "Show members").
import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Drawer from '@mui/material/Drawer';

export interface MembersPanelProps {
  docked: boolean;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}

export function MembersPanel({ docked, open, onClose, children }: MembersPanelProps) {
  if (!docked) {
    return (
      <Drawer anchor="right" open={open} onClose={onClose}>
        {children}
      </Drawer>
    );
  }
  return (
    <Box
      component="aside"
      sx={{ width: 260, flexShrink: 0, borderLeft: 1, borderColor: 'divider', overflowY: 'auto' }}
    >
      {children}
    </Box>
  );
}
