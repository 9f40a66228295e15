export type ImageDecodeErrorCode = 'empty' | 'corrupt' | 'too_large' | 'unsupported';

/** Thrown by decodeImage for input that is not a usable image; `code` says which kind, for HTTP mapping. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly code: ImageDecodeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ModelErrorCode = 'missing' | 'checksum' | 'invalid' | 'unknown_pack' | 'offline' | 'runtime';

/** Thrown when a model pack cannot be found, verified, downloaded or loaded. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
