// The tokenbench CLI: one more client of the engine. Commands are added per module.
process.stderr.write('tokenbench: not implemented yet\n');
process.exit(2);
