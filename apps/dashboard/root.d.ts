/** The directory of the built dashboard (index.html and assets/); it may not exist when the app was not built. */
export declare const dashboardDir: string;
