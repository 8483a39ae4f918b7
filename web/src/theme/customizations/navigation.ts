// Room list items, drawers and menus.
import type { Components, Theme } from '@mui/material/styles';

export const navigationCustomizations: Components<Theme> = {
  MuiListItemButton: {
    styleOverrides: {
      root: ({ theme }) => ({
        borderRadius: theme.shape.borderRadius,
        marginBlock: 2,
        '&.Mui-selected': { backgroundColor: (theme.vars ?? theme).palette.action.selected },
        '&.Mui-focusVisible, &:focus-visible': {
          outline: `2px solid ${(theme.vars ?? theme).palette.primary.main}`,
          outlineOffset: -2,
        },
      }),
    },
  },
  MuiDrawer: {
    styleOverrides: {
      paper: ({ theme }) => ({ backgroundColor: (theme.vars ?? theme).palette.background.default }),
    },
  },
  MuiMenu: { defaultProps: { slotProps: { paper: { elevation: 8 } } } },
};
