// Where ffmpeg and ffprobe come from: an explicit env var, else the binaries the npm installer packages
// ship for this platform (so a fresh machine needs no system install).
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { envVar } from '../config/env';

export function ffmpegPath(env: NodeJS.ProcessEnv = process.env): string {
  return envVar(env, 'WANFLOW_FFMPEG') ?? ffmpegInstaller.path;
}

export function ffprobePath(env: NodeJS.ProcessEnv = process.env): string {
  return envVar(env, 'WANFLOW_FFPROBE') ?? ffprobeInstaller.path;
}
