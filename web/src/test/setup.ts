// Test environment for every web test: jest-dom matchers and the browser APIs jsdom lacks.
import '@testing-library/jest-dom/jest-globals';

if (typeof window !== 'undefined' && typeof window.matchMedia !== 'function') {
  // MUI's color-scheme and breakpoint hooks ask matchMedia; tests run as a wide, light screen.
  Object.defineProperty(window, 'matchMedia', {
    configurable: true,
    writable: true,
    value: (query: string) => {
      // MUI's color-scheme hook still calls the legacy addListener/removeListener.
      const list = {
        matches: query.includes('min-width'),
        media: query,
        onchange: null,
        addListener: () => undefined,
        removeListener: () => undefined,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
        dispatchEvent: () => false,
      };
      return list as unknown as MediaQueryList;
    },
  });
}

afterEach(() => {
  // Each test starts without a stored session or theme choice.
  if (typeof localStorage !== 'undefined') localStorage.clear();
});
