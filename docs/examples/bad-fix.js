// A fix module with three mistakes, for the error transcript of docs/adding-a-fix.md.
module.exports = {
  fix: {
    name: 'tcmu-noio-typos',
    title: 'PF_MEMALLOC_NOIO on tcmu-runner, written in a hurry',
    proposedBy: 'nobody',
    where: 'docs/adding-a-fix.md',
    mechanism: 'current_gfp_context',
    delta: {
      taskFlags: { 'tcmu-runnr': ['PF_MEMALLOC_NOIO'], 'loop-worker': ['PF_MEMALLOC_NOI0'] },
      scopes: [{ frame: 'pwrite64', scope: 'NOIO', role: 'tcmu-runner' }],
    },
  },
};
