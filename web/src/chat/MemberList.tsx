// Who is in the room and who is online: online first, status in words (not only a coloured dot).
import Avatar from '@mui/material/Avatar';
import Badge from '@mui/material/Badge';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemAvatar from '@mui/material/ListItemAvatar';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { Member } from './members';

export interface MemberListProps {
  members: readonly Member[];
  /** The room's member count from the server (the list holds the members seen so far). */
  memberCount: number | undefined;
  meId: string;
}

export function MemberList({ members, memberCount, meId }: MemberListProps) {
  const online = members.filter((m) => m.online).length;
  const total = Math.max(memberCount ?? 0, members.length);
  return (
    <Box component="section" aria-labelledby="members-heading" sx={{ p: 2, minWidth: 220 }}>
      <Typography id="members-heading" component="h2" variant="h3">
        Members
      </Typography>
      <Typography variant="caption" sx={{ color: 'text.secondary' }}>
        {online} online · {total} member{total === 1 ? '' : 's'}
      </Typography>
      <List dense aria-label="Room members">
        {members.map((member) => (
          <ListItem key={member.userId} disableGutters>
            <ListItemAvatar sx={{ minWidth: 44 }}>
              <Badge
                variant="dot"
                color={member.online ? 'success' : 'default'}
                overlap="circular"
                anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
                sx={{ '& .MuiBadge-dot': { bgcolor: member.online ? undefined : 'grey.400' } }}
              >
                <Avatar
                  aria-hidden
                  sx={{ width: 30, height: 30, opacity: member.online ? 1 : 0.55 }}
                >
                  {member.username.slice(0, 1).toUpperCase()}
                </Avatar>
              </Badge>
            </ListItemAvatar>
            <ListItemText
              primary={member.userId === meId ? `${member.username} (you)` : member.username}
              secondary={member.online ? 'Online' : 'Offline'}
              slotProps={{ primary: { noWrap: true } }}
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}
