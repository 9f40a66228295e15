// Person (whole-body) detector packs: files + sha256, licence, like the face packs' manifests.
import type { ModelFileSpec, PackLicense } from '../packs/manifests.js';
import { resolveModelFile, type FileStatus } from '../packs/registry.js';

export type PersonDetectorManifest = {
  name: string;
  description: string;
  kind: 'yolox';
  file: ModelFileSpec;
  inputSizePx: number;
  license: PackLicense;
  /** Used when no detector is named; the default must allow commercial use. */
  isDefault: boolean;
};

export const PERSON_DETECTOR_MANIFESTS: readonly PersonDetectorManifest[] = [
  {
    name: 'yolox_nano',
    description: 'YOLOX-Nano (COCO, class 0 = person), 416×416, 0.9 M parameters',
    kind: 'yolox',
    file: {
      path: 'yolox/yolox_nano.onnx',
      sha256: '4903c9058f6e2553834e9905be1ae5d67e262cb6321964dbc57a49edc6fa10da',
      bytes: 3_659_407,
    },
    inputSizePx: 416,
    license: {
      name: 'Apache-2.0 (YOLOX code and released weights; COCO-trained)',
      commercialUse: true,
      note: 'Export of the official Megvii weights by a third party (see MODELS.md); have the weights’ provenance reviewed before a commercial release.',
    },
    isDefault: true,
  },
];

export type PersonDetectorStatus = { manifest: PersonDetectorManifest; file: FileStatus; available: boolean };

export async function personDetectorStatus(
  modelsDir: string,
  name?: string,
): Promise<PersonDetectorStatus[]> {
  const list = PERSON_DETECTOR_MANIFESTS.filter((m) => (name ? m.name === name : true));
  return Promise.all(
    list.map(async (manifest) => {
      const file = await resolveModelFile(modelsDir, manifest.file);
      return { manifest, file, available: file.state === 'ok' };
    }),
  );
}

/** The default person detector's verified file, or null with why. */
export async function resolvePersonDetector(
  modelsDir: string,
): Promise<
  | { manifest: PersonDetectorManifest; path: string }
  | { manifest: PersonDetectorManifest; path: null; reason: string }
> {
  const manifest = PERSON_DETECTOR_MANIFESTS.find((m) => m.isDefault)!;
  const [s] = await personDetectorStatus(modelsDir, manifest.name);
  if (s?.available && s.file.foundAt) return { manifest, path: s.file.foundAt };
  return {
    manifest,
    path: null,
    reason: `person detector ${manifest.name}: ${manifest.file.path} ${s?.file.state ?? 'missing'} in ${modelsDir}`,
  };
}
