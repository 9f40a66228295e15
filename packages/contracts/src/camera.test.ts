import { describe, expect, it } from 'vitest';
import {
  CameraConfigFileSchema,
  CameraStatusSchema,
  cameraSourceKind,
  formatConfigIssues,
  parseCameraConfigFile,
  resolveCameraConfig,
} from './camera.js';

const minimal = { name: 'Gudang A', source: 'rtsp://10.0.0.5:554/stream1' };

function issuesFor(json: unknown, folder = 'gudang-a'): string[] {
  const r = parseCameraConfigFile(folder, json);
  if (r.ok) throw new Error('expected issues');
  return r.issues;
}

describe('camera config', () => {
  it('fills defaults and keeps overrides', () => {
    const r = parseCameraConfigFile('gudang-a', { ...minimal, analysisFps: 5, rtspTransport: 'udp' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      id: 'gudang-a',
      enabled: true,
      analysisFps: 5,
      minFacePx: 40,
      absentAfterMinutes: 5,
      rtspTransport: 'udp',
      maxWidth: 1280,
    });
    expect(r.config.recognitionThreshold).toBeUndefined();
  });

  it('takes an optional detect stream and motion keep-alive, and stays compatible without them', () => {
    const plain = parseCameraConfigFile('gudang-a', minimal);
    expect(plain.ok && 'detectSource' in plain.config).toBe(false);
    const r = parseCameraConfigFile('gudang-a', {
      ...minimal,
      detectSource: 'rtsp://10.0.0.5:554/stream2',
      motionKeepAliveMs: 0,
      minFacePx: 16,
      minEmbedFacePx: 48,
    });
    expect(r.ok && r.config).toMatchObject({
      source: minimal.source,
      detectSource: 'rtsp://10.0.0.5:554/stream2',
      motionKeepAliveMs: 0,
      minFacePx: 16,
      minEmbedFacePx: 48,
    });
    expect(plain.ok && 'minEmbedFacePx' in plain.config).toBe(false);
    expect(issuesFor({ ...minimal, minEmbedFacePx: 8 })[0]).toMatch(/minEmbedFacePx/);
    expect(issuesFor({ ...minimal, detectSource: 'ftp://x/y' })[0]).toMatch(
      /^camera "gudang-a": detectSource: must be rtsp/,
    );
    expect(issuesFor({ ...minimal, motionKeepAliveMs: -1 })[0]).toMatch(/motionKeepAliveMs/);
  });

  it('inherits global defaults field by field', () => {
    const file = CameraConfigFileSchema.parse({ ...minimal, minFacePx: 60 });
    const cfg = resolveCameraConfig(
      { analysisFps: 1, minFacePx: 30, recognitionThreshold: 0.45, enabled: false },
      { ...file, id: 'gudang-a' },
    );
    expect(cfg).toMatchObject({ analysisFps: 1, minFacePx: 60, recognitionThreshold: 0.45, enabled: false });
  });

  it('names the camera, the field and the bad value', () => {
    expect(issuesFor({ ...minimal, analysisFps: 60 })).toEqual([
      'camera "gudang-a": analysisFps: must be ≤ 30 (got 60)',
    ]);
    expect(issuesFor({ ...minimal, analysisFps: 0.1 })).toEqual([
      'camera "gudang-a": analysisFps: must be ≥ 0.2 (got 0.1)',
    ]);
    expect(issuesFor({ ...minimal, rtspTransport: 'http' })).toEqual([
      'camera "gudang-a": rtspTransport: must be one of "tcp", "udp" (got "http")',
    ]);
    expect(issuesFor({ source: minimal.source })).toEqual(['camera "gudang-a": name: is required']);
    expect(issuesFor({ ...minimal, analysisFPS: 3 })[0]).toMatch(
      /^camera "gudang-a": \(file\): unknown field "analysisFPS"/,
    );
    expect(issuesFor({ ...minimal, minFacePx: 40.5 })[0]).toBe(
      'camera "gudang-a": minFacePx: must be a whole number (got 40.5)',
    );
    expect(issuesFor({ ...minimal, source: 'ftp://x/y' })[0]).toMatch(
      /^camera "gudang-a": source: must be rtsp/,
    );
    expect(issuesFor({ ...minimal, absentAfterMinutes: '10' })[0]).toBe(
      'camera "gudang-a": absentAfterMinutes: must be a number (got string "10")',
    );
  });

  it('validates nested fields with readable paths', () => {
    const issues = issuesFor({
      ...minimal,
      regionOfInterest: {
        kind: 'polygon',
        points: [
          { x: 0, y: 0 },
          { x: 1.5, y: 0 },
          { x: 1, y: 1 },
        ],
      },
      workingHours: {
        timeZone: 'Mars/Olympus',
        days: {
          mon: { start: '8:00', end: '17:00' },
          tue: null,
          wed: null,
          thu: null,
          fri: null,
          sat: null,
          sun: null,
        },
      },
    });
    expect(issues).toContain('camera "gudang-a": regionOfInterest.points[1].x: must be ≤ 1 (got 1.5)');
    expect(issues).toContain(
      'camera "gudang-a": workingHours.timeZone: must be an IANA time zone such as "Asia/Jakarta" (got "Mars/Olympus")',
    );
    expect(issues).toContain(
      'camera "gudang-a": workingHours.days.mon.start: must be a 24-hour time "HH:MM", e.g. "08:00" (got "8:00")',
    );
    expect(issuesFor({ ...minimal, regionOfInterest: { kind: 'circle' } })).toEqual([
      'camera "gudang-a": regionOfInterest.kind: must be one of "rect", "polygon" (got "circle")',
    ]);
    expect(
      issuesFor({ ...minimal, regionOfInterest: { kind: 'rect', x: 0.5, y: 0, width: 0.6, height: 1 } })[0],
    ).toMatch(/regionOfInterest: rectangle must lie inside the frame/);
  });

  it('checks the folder name against the id', () => {
    expect(issuesFor({ ...minimal, id: 'gudang-b' })[0]).toMatch(/id: must match the folder name "gudang-a"/);
    expect(issuesFor(minimal, 'Gudang A')[0]).toMatch(/folder name must be a slug/);
  });

  it('formatConfigIssues works on any zod error from these schemas', () => {
    const input = { ...minimal, maxWidth: 99999 };
    const r = CameraConfigFileSchema.safeParse(input);
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(formatConfigIssues('cam-1', r.error, input)).toEqual([
      'camera "cam-1": maxWidth: must be ≤ 3840 (got 99999)',
    ]);
  });

  it('classifies sources', () => {
    expect(cameraSourceKind('rtsp://user:pw@cam.local/h264')).toBe('rtsp');
    expect(cameraSourceKind('http://cam/mjpg/video.mjpg')).toBe('http');
    expect(cameraSourceKind('/dev/video0')).toBe('device');
    expect(cameraSourceKind('/srv/videos/lobby.mp4')).toBe('file');
    expect(cameraSourceKind('udp://239.0.0.1:1234')).toBeNull();
    // Issue 9 #1: protocol prefixes ffmpeg understands, and CR/LF smuggling, are not sources.
    for (const hostile of [
      'async:gopher://127.0.0.1:6379/9/x',
      'cache:gopher://127.0.0.1:6379/x',
      'concat:/a.mp4|/b.mp4',
      'subfile:,,start,0,end,0,:/etc/passwd',
      'data:text/plain,x',
      'crypto:/x',
      'pipe:0',
      'rtsp://cam/x\r\nECHO probe',
      'http://cam/a b',
    ])
      expect(cameraSourceKind(hostile), hostile).toBeNull();
  });

  it('camera status schema accepts what the server sends', () => {
    const status = {
      cameraId: 'gudang-a',
      state: 'degraded',
      targetFps: 2,
      measuredFps: 0.8,
      framesAnalyzed: 10,
      framesDropped: 3,
      lastFrameAt: new Date(0).toISOString(),
      lastError: 'Connection refused',
      restarts: 2,
    };
    expect(CameraStatusSchema.parse(status)).toEqual(status);
    expect(CameraStatusSchema.safeParse({ ...status, state: 'broken' }).success).toBe(false);
  });
});
