// Workspaces are regional, and Model Studio takes them in two forms: the workspace's own host
// (`{WorkspaceId}.{region}.maas.aliyuncs.com`) or the region's public host with `X-DashScope-WorkSpace` (what
// the SDKs send). Both are configuration per region; the header is sent in either form.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { modelStudioEndpoint } from '../../src/config/endpoints';
import { ConfigError } from '../../src/config/errors';
import { ModelStudioProvider } from '../../src/providers/modelstudio/client';

const live = { WANFLOW_LIVE: '1', DASHSCOPE_API_KEY: 'sk-any' };
const endpoint = (env: Record<string, string>, region: Parameters<typeof modelStudioEndpoint>[1]) =>
  modelStudioEndpoint(loadConfig({ ...live, ...env }), region, { ...live, ...env });

describe('workspaces', () => {
  it("use each region's own workspace, else the shared one, on the workspace host", () => {
    const env = { DASHSCOPE_WORKSPACE_ID_CN_BEIJING: 'ws-bj', DASHSCOPE_WORKSPACE_ID: 'ws-all' };
    expect(endpoint(env, 'cn-beijing')).toMatchObject({
      baseUrl: 'https://ws-bj.cn-beijing.maas.aliyuncs.com/api/v1',
      workspaceId: 'ws-bj',
    });
    expect(endpoint(env, 'ap-southeast-1')).toMatchObject({
      baseUrl: 'https://ws-all.ap-southeast-1.maas.aliyuncs.com/api/v1',
      workspaceId: 'ws-all',
    });
    expect(endpoint({}, 'cn-beijing')).toEqual({
      baseUrl: 'https://dashscope.aliyuncs.com/api/v1',
      apiKey: 'sk-any',
      workspaceId: undefined,
    });
  });

  it("in the header form, go to the region's public host with the workspace named in the header", () => {
    const env = { DASHSCOPE_WORKSPACE_ID_CN_BEIJING: 'ws-bj', DASHSCOPE_WORKSPACE_FORM: 'header' };
    expect(endpoint(env, 'cn-beijing')).toMatchObject({
      baseUrl: 'https://dashscope.aliyuncs.com/api/v1',
      workspaceId: 'ws-bj',
    });
  });

  it('are asked for by name where a region has only workspace hosts, or no public host for the header', () => {
    expect(() => endpoint({}, 'eu-central-1')).toThrow(ConfigError);
    expect(() => endpoint({}, 'eu-central-1')).toThrow(/set DASHSCOPE_WORKSPACE_ID_EU_CENTRAL_1/);
    expect(() =>
      endpoint({ DASHSCOPE_WORKSPACE_ID: 'ws', DASHSCOPE_WORKSPACE_FORM: 'header' }, 'eu-central-1'),
    ).toThrow(/no public host for the header form: set DASHSCOPE_WORKSPACE_FORM=host/);
    expect(() => endpoint({ DASHSCOPE_WORKSPACE_FORM: 'path' }, 'cn-beijing')).toThrow(
      /DASHSCOPE_WORKSPACE_FORM="path"/,
    );
  });

  it('are named in X-DashScope-WorkSpace on every call', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers['x-dashscope-workspace'] as string | undefined);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ request_id: 'r', output: { task_id: 't-1', task_status: 'PENDING' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
      const provider = new ModelStudioProvider({ baseUrl, apiKey: 'sk', workspaceId: 'ws-bj' });
      await provider.createTask({
        model: 'wan3.0-video',
        input: { prompt: 'p' },
        parameters: { resolution: '480P', ratio: 'adaptive', duration: 5 },
      });
      await provider.getTask('t-1');
      expect(seen).toEqual(['ws-bj', 'ws-bj']);
    } finally {
      server.close();
    }
  });
});
