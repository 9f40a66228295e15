/** The last face of a person the pipeline saw, already JPEG-encoded (face crop + downscaled frame). */
export interface RecentFace {
  organizationId: string;
  employeeId: string;
  cameraId: string;
  seenAtMs: number;
  faceJpeg: Uint8Array;
  frameJpeg: Uint8Array;
}

/**
 * Per person, the face of their last track (encoded when the track ends, i.e. when they left the view),
 * so an absence alert can show how they were last seen. In memory only and bounded: least recently
 * updated people are forgotten first (about 40 KiB each); the alert then falls back to the snapshot of
 * their last presence interval. Biometric data: it never leaves this process except as an alert snapshot.
 */
export class RecentFaces {
  private readonly faces = new Map<string, RecentFace>();

  constructor(private readonly maxPeople = 500) {}

  get size(): number {
    return this.faces.size;
  }

  remember(face: RecentFace): void {
    const current = this.faces.get(face.employeeId);
    if (current && current.seenAtMs > face.seenAtMs) return;
    // Map order is insertion order: delete + set moves the person to the "most recent" end.
    this.faces.delete(face.employeeId);
    this.faces.set(face.employeeId, face);
    while (this.faces.size > this.maxPeople) {
      const oldest = this.faces.keys().next();
      if (oldest.done) break;
      this.faces.delete(oldest.value);
    }
  }

  get(organizationId: string, employeeId: string): RecentFace | null {
    const face = this.faces.get(employeeId);
    return face && face.organizationId === organizationId ? face : null;
  }

  /** Erasure (the person was deleted) and tests. */
  forget(employeeId: string): void {
    this.faces.delete(employeeId);
  }
}
