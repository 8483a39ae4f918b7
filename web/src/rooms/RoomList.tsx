// The rooms as links with their online counts. Tab reaches the list; the arrow keys, Home and End
// move between rooms.
import type { KeyboardEvent } from 'react';
import TagRounded from '@mui/icons-material/TagRounded';
import Badge from '@mui/material/Badge';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import type { Room } from '@falablau/common/contracts';
import { NavLink } from 'react-router';

export interface RoomListProps {
  rooms: readonly Room[];
  activeRoomId: string | undefined;
  labelledBy: string;
  onNavigate: () => void;
}

const keys: Record<string, (index: number, count: number) => number> = {
  ArrowDown: (i, n) => (i + 1) % n,
  ArrowUp: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_i, n) => n - 1,
};

function moveFocus(event: KeyboardEvent<HTMLUListElement>) {
  const move = keys[event.key];
  if (!move) return;
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a[href]')];
  if (links.length === 0) return;
  event.preventDefault();
  const current = links.indexOf(document.activeElement as HTMLAnchorElement);
  links[move(Math.max(current, 0), links.length)]?.focus();
}

export function RoomList({ rooms, activeRoomId, labelledBy, onNavigate }: RoomListProps) {
  return (
    <List dense aria-labelledby={labelledBy} onKeyDown={moveFocus} disablePadding>
      {rooms.map((room) => (
        <ListItem key={room.id} disablePadding>
          <ListItemButton
            component={NavLink}
            to={`/rooms/${room.id}`}
            selected={room.id === activeRoomId}
            onClick={onNavigate}
          >
            <ListItemIcon sx={{ minWidth: 36 }}>
              <Badge
                color="success"
                variant="dot"
                invisible={room.onlineCount === 0}
                overlap="circular"
              >
                <TagRounded fontSize="small" aria-hidden />
              </Badge>
            </ListItemIcon>
            <ListItemText
              primary={room.name}
              secondary={`${room.onlineCount} online · ${room.memberCount} member${room.memberCount === 1 ? '' : 's'}`}
              slotProps={{ primary: { noWrap: true }, secondary: { noWrap: true } }}
            />
          </ListItemButton>
        </ListItem>
      ))}
    </List>
  );
}
