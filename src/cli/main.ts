// Placeholder: the CLI lands with the board core.
process.stdout.write('claimboard: not built yet\n');
