#!/usr/bin/env node
/** Entry point of the `spinescrub` command: argument parsing and exit codes only (commands in ./commands/). */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
