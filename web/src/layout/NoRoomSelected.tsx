// The index page of the signed-in app: nothing open yet.
import ForumRounded from '@mui/icons-material/ForumRounded';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

export type NoRoomSelectedProps = Record<string, never>;

export function NoRoomSelected(_props: NoRoomSelectedProps) {
  return (
    <Box
      sx={{
        flexGrow: 1,
        display: 'grid',
        placeItems: 'center',
        textAlign: 'center',
        p: 3,
        color: 'text.secondary',
      }}
    >
      <div>
        <ForumRounded sx={{ fontSize: 48, color: 'primary.main' }} aria-hidden />
        <Typography component="h1" variant="h2" sx={{ color: 'text.primary', mt: 1 }}>
          Pick a room
        </Typography>
        <Typography>Choose a room from the list, or create a new one.</Typography>
      </div>
    </Box>
  );
}
