// login.js is the page's entry module: it has no exports, and runs only where the page's DOM is.
export {};
