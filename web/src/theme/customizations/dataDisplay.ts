// Avatars, chips and badges in messages and member lists.
import type { Components, Theme } from '@mui/material/styles';

export const dataDisplayCustomizations: Components<Theme> = {
  MuiAvatar: {
    styleOverrides: {
      root: ({ theme }) => ({
        fontSize: '0.875rem',
        fontWeight: 600,
        backgroundColor: (theme.vars ?? theme).palette.primary.main,
        color: (theme.vars ?? theme).palette.primary.contrastText,
      }),
    },
  },
  MuiChip: { defaultProps: { size: 'small' } },
  MuiBadge: {
    styleOverrides: {
      dot: ({ theme }) => ({
        boxShadow: `0 0 0 2px ${(theme.vars ?? theme).palette.background.paper}`,
      }),
    },
  },
};
