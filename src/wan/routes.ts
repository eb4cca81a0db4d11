// The route owners through which Wan 2.7 is reached: Alibaba's own Model Studio; wrappers (fal.ai,
// each::labs) with contracts of their own; and creator apps (inference.sh) that run on the user's own
// Model Studio key.
export const ROUTES = ['modelstudio', 'fal', 'eachlabs', 'inference'] as const;
export type RouteId = (typeof ROUTES)[number];
