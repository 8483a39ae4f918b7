// Jest stand-in for stylesheets and assets that Vite would bundle.
export default 'file-stub';
