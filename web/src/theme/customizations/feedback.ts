// Alerts (connection banner, form errors) and progress.
import type { Components, Theme } from '@mui/material/styles';

export const feedbackCustomizations: Components<Theme> = {
  MuiAlert: {
    styleOverrides: {
      root: ({ theme }) => ({ borderRadius: theme.shape.borderRadius, alignItems: 'center' }),
    },
  },
  MuiLinearProgress: { styleOverrides: { root: { height: 2 } } },
};
