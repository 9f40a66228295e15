import type { ServerContext } from '../../context.js';
import type { DatasetExtractService } from './dataset-extract.service.js';
import type { DatasetModelsService } from './dataset-models.service.js';

export function registerDatasetJobs(
  ctx: ServerContext,
  extract: DatasetExtractService,
  models: DatasetModelsService,
): void {
  ctx.jobs.register(
    'datasets.extract',
    async (payload) => {
      await extract.process(payload);
    },
    { maxAttempts: 2, backoffBaseMs: 60_000, expireAfterMs: 6 * 3600_000 },
  );
  // A failed fit is recorded on the model row; running it again would only fail the same way.
  ctx.jobs.register(
    'datasets.train',
    async (payload) => models.run(payload.organizationId, payload.modelId),
    {
      maxAttempts: 1,
      backoffBaseMs: 60_000,
      expireAfterMs: 6 * 3600_000,
    },
  );
}
