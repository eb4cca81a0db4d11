// Each agent its own operations — its runs, its rate of starts, its daily budget — made once and shared by
// every session and request of that agent (an MCP session over stdio or HTTP, or the plain HTTP API).
import type { WanflowConfig } from '../config/config';
import { AgentOperations, type AgentSetup } from './operations';

export class AgentDirectory {
  private readonly agents = new Map<string, AgentOperations>();

  constructor(private readonly setup: Omit<AgentSetup, 'agent' | 'startsPerMinute' | 'dailyBudget'>) {}

  get config(): WanflowConfig {
    return this.setup.config;
  }

  get(agent: string): AgentOperations {
    let ops = this.agents.get(agent);
    if (!ops) {
      const { startsPerMinute, dailyBudget } = this.setup.config.mcpAgents?.[agent] ?? {};
      ops = new AgentOperations({
        ...this.setup,
        agent,
        ...(startsPerMinute ? { startsPerMinute } : {}),
        ...(dailyBudget ? { dailyBudget } : {}),
      });
      this.agents.set(agent, ops);
    }
    return ops;
  }
}
