// The four-stage production chain the pipeline tests run: t2v → i2v continuation → r2v → videoedit.
export const FOUR_STAGE_MODELS = ['wan2.7-t2v', 'wan2.7-i2v', 'wan2.7-r2v', 'wan2.7-videoedit'];

/** The chain with short clips by default (fast on the simulator); `seconds` sets explore, extend, cast. */
export const fourStageSpec = (
  prompt = 'a lighthouse in a storm',
  seconds: [number, number, number] = [2, 4, 2],
) => ({
  version: 1,
  name: 'teaser',
  stages: [
    {
      id: 'explore',
      request: {
        model: 'wan2.7-t2v',
        input: { prompt },
        parameters: { resolution: '720P', duration: seconds[0] },
      },
    },
    {
      id: 'extend',
      request: {
        model: 'wan2.7-i2v',
        input: { media: [{ type: 'first_clip', url: 'stage:explore' }] },
        parameters: { resolution: '720P', duration: seconds[1] },
      },
    },
    {
      id: 'cast',
      request: {
        model: 'wan2.7-r2v',
        input: { prompt: 'Video 1 at dawn', media: [{ type: 'reference_video', url: 'stage:extend' }] },
        parameters: { resolution: '720P', duration: seconds[2], ratio: '1:1' },
      },
    },
    {
      id: 'finish',
      request: {
        model: 'wan2.7-videoedit',
        input: { prompt: 'film grain', media: [{ type: 'video', url: 'stage:cast' }] },
        parameters: { resolution: '720P' },
      },
    },
  ],
});
