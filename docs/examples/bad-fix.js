// A fix module with three mistakes, for the error transcript of docs/adding-a-fix.md.
module.exports = {
  fix: {
    name: 'tcmu-noio-typos',
    title: 'PF_MEMALLOC_NOIO on tcmu-runner, written in a hurry',
    proposedBy: 'nobody',
    where: 'docs/adding-a-fix.md',
    mechanism: 'current_gfp_context',
    delta: {
      taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOI0'] },
      scopes: [
        { frame: 'pwrite64', scope: 'NOIO', role: 'tcmu-runner' },
        { frame: 'ksys_pread64', scope: 'NOIO', rol: 'tcmu-runner' },
      ],
    },
  },
};
