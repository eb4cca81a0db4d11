// The route owners through which Wan 2.7 is reached: Alibaba's own Model Studio, and wrappers (fal.ai,
// each::labs) with contracts of their own.
export const ROUTES = ['modelstudio', 'fal', 'eachlabs'] as const;
export type RouteId = (typeof ROUTES)[number];
