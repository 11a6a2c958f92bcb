/** Column conventions shared by every table: booleans are 0/1 integers on both dialects. */
export type Flag = 0 | 1;
