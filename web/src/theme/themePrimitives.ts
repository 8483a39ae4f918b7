// Design tokens: one palette of primitives from which the light and dark schemes are both built,
// plus typography, shape and shadows. Components use these through the theme, never raw colours.
import { alpha, type Shadows, type ThemeOptions } from '@mui/material/styles';

export const brand = {
  50: 'hsl(214, 100%, 97%)',
  100: 'hsl(214, 100%, 92%)',
  200: 'hsl(214, 95%, 80%)',
  300: 'hsl(214, 90%, 65%)',
  400: 'hsl(214, 88%, 55%)',
  500: 'hsl(214, 90%, 45%)',
  600: 'hsl(214, 92%, 38%)',
  700: 'hsl(214, 95%, 30%)',
  800: 'hsl(214, 95%, 20%)',
  900: 'hsl(214, 100%, 12%)',
};

export const gray = {
  50: 'hsl(220, 35%, 97%)',
  100: 'hsl(220, 30%, 94%)',
  200: 'hsl(220, 20%, 88%)',
  300: 'hsl(220, 20%, 80%)',
  400: 'hsl(220, 20%, 65%)',
  500: 'hsl(220, 20%, 42%)',
  600: 'hsl(220, 20%, 35%)',
  700: 'hsl(220, 20%, 25%)',
  800: 'hsl(220, 30%, 6%)',
  900: 'hsl(220, 35%, 3%)',
};

export const green = {
  300: 'hsl(120, 61%, 60%)',
  500: 'hsl(120, 59%, 32%)',
  700: 'hsl(120, 75%, 20%)',
};
export const orange = {
  300: 'hsl(45, 90%, 60%)',
  500: 'hsl(45, 90%, 38%)',
  700: 'hsl(45, 95%, 22%)',
};
export const red = { 300: 'hsl(0, 90%, 70%)', 500: 'hsl(0, 80%, 45%)', 700: 'hsl(0, 95%, 28%)' };

export const colorSchemes: NonNullable<ThemeOptions['colorSchemes']> = {
  light: {
    palette: {
      primary: { light: brand[200], main: brand[500], dark: brand[700], contrastText: brand[50] },
      secondary: { light: gray[300], main: gray[600], dark: gray[700], contrastText: gray[50] },
      info: { light: brand[100], main: brand[400], dark: brand[700], contrastText: gray[50] },
      warning: { light: orange[300], main: orange[500], dark: orange[700] },
      error: { light: red[300], main: red[500], dark: red[700] },
      success: { light: green[300], main: green[500], dark: green[700] },
      grey: { ...gray },
      divider: alpha(gray[300], 0.5),
      background: { default: gray[50], paper: 'hsl(0, 0%, 100%)' },
      text: { primary: gray[800], secondary: gray[600] },
      action: { hover: alpha(gray[200], 0.3), selected: alpha(brand[200], 0.35) },
    },
  },
  dark: {
    palette: {
      primary: { light: brand[300], main: brand[300], dark: brand[600], contrastText: gray[900] },
      secondary: { light: gray[300], main: gray[400], dark: gray[600], contrastText: gray[900] },
      info: { light: brand[500], main: brand[300], dark: brand[700], contrastText: gray[50] },
      warning: { light: orange[300], main: orange[300], dark: orange[700] },
      error: { light: red[300], main: red[300], dark: red[700] },
      success: { light: green[300], main: green[300], dark: green[700] },
      grey: { ...gray },
      divider: alpha(gray[700], 0.6),
      background: { default: gray[900], paper: 'hsl(220, 30%, 7%)' },
      text: { primary: 'hsl(0, 0%, 100%)', secondary: gray[400] },
      action: { hover: alpha(gray[600], 0.2), selected: alpha(brand[700], 0.45) },
    },
  },
};

export const typography: ThemeOptions['typography'] = {
  fontFamily: 'Inter, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  h1: { fontSize: '1.75rem', fontWeight: 600, lineHeight: 1.2 },
  h2: { fontSize: '1.25rem', fontWeight: 600, lineHeight: 1.3 },
  h3: { fontSize: '1.0625rem', fontWeight: 600 },
  subtitle2: { fontWeight: 600 },
  body1: { fontSize: '0.9375rem' },
  body2: { fontSize: '0.875rem' },
  caption: { fontSize: '0.75rem' },
  button: { textTransform: 'none', fontWeight: 600 },
};

export const shape: ThemeOptions['shape'] = { borderRadius: 8 };

const defaultShadows = Array<string>(25).fill('none') as unknown as Shadows;
defaultShadows[1] =
  'hsla(220, 30%, 5%, 0.07) 0px 4px 16px 0px, hsla(220, 25%, 10%, 0.07) 0px 8px 16px -5px';
defaultShadows[8] =
  'hsla(220, 30%, 5%, 0.12) 0px 8px 24px 0px, hsla(220, 25%, 10%, 0.1) 0px 12px 24px -8px';
defaultShadows[24] = 'hsla(220, 30%, 5%, 0.2) 0px 16px 48px 0px';
export const shadows = defaultShadows;
