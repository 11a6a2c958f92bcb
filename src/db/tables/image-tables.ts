/** Image (Glance v2) tables. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ImageTables {}
