#!/usr/bin/env node
/** Entry point of the `spinescrub` command: argument parsing and exit codes only (commands in ./commands/). */
import { runCli } from './cli.js';

// `spinescrub rules | head` closes the pipe early: that is a normal end for the reader, not a crash of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
