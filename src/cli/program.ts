// The `wanflow` command, declared: every command, argument and flag is defined once here and in
// commands/, and commander generates the help (`wanflow help run`, `wanflow run --help`) from them.
import { Command } from 'commander';
import type { CommandContext } from './context';
import { EXIT_HELP } from './exit-codes';
import { campaignCommand } from './commands/campaign';
import { cancelCommand } from './commands/cancel';
import { listCommand } from './commands/list';
import { resultCommand } from './commands/result';
import { routesCommand } from './commands/routes';
import { runCommand } from './commands/run';
import { setupCommand } from './commands/setup';
import { simulatorCommand } from './commands/simulator';
import { spendCommand } from './commands/spend';
import { mcpCommand } from './commands/mcp';
import { studioCommand } from './commands/studio';
import { VERSION } from './version';
import { demoCommand, upCommand, workerCommand } from './commands/stack';
import { statusCommand } from './commands/status';
import { watchCommand } from './commands/watch';
import { webhooksCommand } from './commands/webhooks';

export function wanflowProgram(ctx: CommandContext): Command {
  const program = new Command('wanflow')
    .description('durable Wan 2.7 video jobs and pipelines on Temporal')
    .version(VERSION, '-V, --version', "print wanflow's version")
    .addHelpText(
      'after',
      `\n<id> is a pipeline's ID (its --key), a job's ID, or a pipeline's job as <pipeline-id>/<stage>.\n${EXIT_HELP}\nConfiguration comes from the environment; see README.md.`,
    )
    // Help and errors go through the context: only the entry point prints and exits.
    .configureOutput({
      writeOut: (s) => ctx.io.out(s.trimEnd()),
      writeErr: (s) => ctx.io.err(s.trimEnd()),
      outputError: () => {},
    })
    .exitOverride()
    .showSuggestionAfterError();
  program.commandsGroup('Runs:');
  for (const command of [runCommand, statusCommand, listCommand, watchCommand, cancelCommand, resultCommand])
    program.addCommand(command(ctx));
  program.commandsGroup('Campaigns:');
  program.addCommand(campaignCommand(ctx));
  program.addCommand(spendCommand(ctx));
  program.commandsGroup('Agents:');
  program.addCommand(mcpCommand(ctx));
  program.commandsGroup('Services:');
  for (const command of [
    demoCommand,
    upCommand,
    studioCommand,
    routesCommand,
    workerCommand,
    webhooksCommand,
    simulatorCommand,
    setupCommand,
  ])
    program.addCommand(command(ctx));
  // Subcommands (and theirs: `campaign start`) inherit the output, the exit override and strictness about
  // excess arguments.
  const inherit = (parent: Command): void => {
    for (const command of parent.commands) {
      command
        .configureOutput(program.configureOutput())
        .exitOverride()
        .allowExcessArguments(false)
        .showSuggestionAfterError();
      inherit(command);
    }
  };
  inherit(program);
  return program;
}
