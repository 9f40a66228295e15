/**
 * "Camera Gudang A" → "camera-gudang-a": the id the camera_config folder and the API use (lowercase
 * letters, digits and inner hyphens, at most 64), made from the name so nobody has to type a slug.
 */
export function cameraSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}
