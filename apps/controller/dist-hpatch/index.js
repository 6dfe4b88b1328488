// Not built yet: this package exports nothing until its issue lands.
export {};
//# sourceMappingURL=index.js.map