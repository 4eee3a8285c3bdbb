// median64-v1 in the browser (docs/zkimg-1.md, Template): the canvas scales the chosen image to
// 64 x 64 and zkimg-browser.js thresholds it. The file is read locally; nothing is uploaded.
import { TEMPLATE_DIM, templateFromRgba } from './zkimg-browser.js';
import { UserMistake } from './ui.js';

export async function templateOf(file) {
  if (!file || !file.size) throw new UserMistake('Choose your image: the picture file you use to sign in.');
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new UserMistake('This file is not an image this browser can read. Choose a JPEG or PNG picture.');
  }
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = TEMPLATE_DIM;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return templateFromRgba(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
}

/** The PIN as typed, checked against the tenant's length; a second entry must match when given. */
export function checkedPin(pin, size, again) {
  if (!/^\d+$/.test(pin)) throw new UserMistake('Your PIN is made of digits only.');
  if (pin.length < size) throw new UserMistake(`Your PIN has at least ${size} digits.`);
  if (again !== undefined && again !== pin) throw new UserMistake('The two PINs differ. Type the same PIN twice.');
  return pin;
}
