// The simulator's board view: an ESP32-C3-DevKitM-1 drawn as inline SVG (the PCB, its module,
// the USB connector, both pin headers with their labels, the user LED on GPIO8 and the BOOT
// button on GPIO9), showing the hardware state the wasm VM reports: levels and PWM on the
// header pins, ADC inputs as sliders, NeoPixel strips, SSD1306 displays and UART output.
// Everything is made once with DOM calls; update() changes attributes and text in place, so it
// stays cheap at 30 calls a second. Colours come from style.css (the "Board view" section).

/** The simulated hardware as the wasm VM reports it (only what the program touched). */
export interface HwState {
  pins: { pin: number; mode: 'in' | 'out' | 'open-drain' | 'alt'; pull: 'none' | 'up' | 'down'; level: 0 | 1; pwm: { freq: number; duty: number } | null }[]; // duty 0..65535
  adc: { pin: number; value: number }[];          // pins the program made an ADC on, and what they read (0..65535)
  pixels: { pin: number; bpp: 3 | 4; data: number[] }[]; // NeoPixel strips: the bytes as written (GRB or GRBW order, as MicroPython's neopixel module writes them)
  displays: { bus: number; addr: number; width: number; height: number; data: Uint8Array }[]; // SSD1306 GDDRAM: width*height/8 bytes, page-major: byte (page*width + x), bit b is pixel (x, page*8+b)
  uart: { id: number; text: string }[];           // UART output since the previous state (append to a small log per UART)
}
export interface BoardViewActions {
  /** The user pressed (down=true) or released a button wired to `pin`. */
  press(pin: number, down: boolean): void;
  /** The user moved the ADC slider of `pin` to `value` (0..65535). */
  adc(pin: number, value: number): void;
}
export interface BoardView {
  /** Shows `state` (each call carries the whole current state of pins, adc, pixels, displays; uart carries only new text). */
  update(state: HwState): void;
  /** The board was reset: everything back to idle (LED off, no sliders, strips and displays gone, logs cleared). */
  reset(): void;
}

type PinState = HwState['pins'][number];
type AdcState = HwState['adc'][number];
type StripState = HwState['pixels'][number];
type DisplayState = HwState['displays'][number];

const MODEL = 'ESP32-C3-DevKitM-1';
const LED_PIN = 8;
const BOOT_PIN = 9;
/** What a UART log keeps, in characters. */
const UART_KEEP = 4096;
/** After the user moves a slider, the VM's reports leave it alone this long (they may be older). */
const SLIDER_GRACE_MS = 400;
/** A lit and an unlit pixel of the displays (OLED blue-white on black), as RGBA. */
const OLED_ON = [0xd2, 0xec, 0xff, 0xff];
const OLED_OFF = [0x00, 0x00, 0x00, 0xff];

/** A header pin: a GPIO number, or a power/control pin's name. */
type HeaderPin = number | 'GND' | '3V3' | '5V' | 'RST';
// ESP32-C3-DevKitM-1, top (module end) to bottom (USB end).
const J1: HeaderPin[] = ['GND', '3V3', '3V3', 2, 3, 'GND', 'RST', 'GND', 0, 1, 10, 'GND', '5V', '5V', 'GND'];
const J3: HeaderPin[] = ['GND', 21, 20, 'GND', 9, 8, 'GND', 7, 6, 5, 4, 'GND', 18, 19, 'GND'];
const SECOND_NAME: Record<number, string> = { 21: 'TX', 20: 'RX' };

// The drawing's geometry, in viewBox units (the panel shows it about 1:1).
const VIEW_W = 300;
const VIEW_H = 338;
const PCB = { x: 72, y: 8, w: 156, h: 318 };
const PITCH = 16;
const FIRST_PIN_Y = 40;
const PAD_X = { left: PCB.x + 9, right: PCB.x + PCB.w - 9 };
const LABEL_X = { left: PCB.x - 7, right: PCB.x + PCB.w + 7 };
const BOOT = { x: 96, y: 284, size: 24 };
const LED = { x: 170, y: 146 };

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(parent: Element, tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  parent.append(element);
  return element;
}

function html<K extends keyof HTMLElementTagNameMap>(parent: Element | null, tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  parent?.append(element);
  return element;
}

/** `duty` (0..65535) as a whole percentage. */
function percent(duty: number): number {
  return Math.round((Math.min(Math.max(duty, 0), 65535) / 65535) * 100);
}

function hertz(freq: number): string {
  return Number.isInteger(freq) ? String(freq) : String(Number(freq.toFixed(2)));
}

const MODE_NAME: Record<PinState['mode'], string> = { in: 'input', out: 'output', 'open-drain': 'open-drain', alt: 'alternate function' };

/** `GPIO5: high (output)`, `GPIO9: low (input, pull-up)`, `GPIO3: PWM 1000 Hz, 25%`. */
function describePin(state: PinState): string {
  if (state.pwm) return `GPIO${state.pin}: PWM ${hertz(state.pwm.freq)} Hz, ${percent(state.pwm.duty)}%`;
  const pull = state.pull === 'none' ? '' : `, pull-${state.pull}`;
  return `GPIO${state.pin}: ${state.level ? 'high' : 'low'} (${MODE_NAME[state.mode]}${pull})`;
}

/** A NeoPixel's bytes (GRB or GRBW) as the RGB it shows; white adds to every channel. */
function pixelRgb(data: number[], offset: number, bpp: 3 | 4): [number, number, number] {
  const byte = (i: number) => (data[offset + i] ?? 0) & 0xff;
  const white = bpp === 4 ? byte(3) : 0;
  return [Math.min(255, byte(1) + white), Math.min(255, byte(0) + white), Math.min(255, byte(2) + white)];
}

/** One drawn header pin whose state can change (GPIOs only). */
interface PinView {
  element: SVGGElement;
  state: SVGTextElement;
  /** What the element shows now, to skip unchanged updates. */
  shown: string;
}

/** One shown item of a list (a slider, a strip, a display). */
interface Item<S> {
  element: HTMLElement;
  update(state: S): void;
}

/** A list of items kept in step with a list of states, by key; the list's section shows only when it has items. */
class Keyed<S> {
  readonly items = new Map<string, Item<S>>();
  constructor(
    private container: HTMLElement,
    private key: (state: S) => string,
    private create: (state: S) => Item<S>,
  ) {}

  private showSection() {
    if (this.container.parentElement) this.container.parentElement.hidden = this.items.size === 0;
  }

  sync(states: S[]) {
    const seen = new Set<string>();
    for (const state of states) {
      const key = this.key(state);
      seen.add(key);
      let item = this.items.get(key);
      if (!item) {
        item = this.create(state);
        this.items.set(key, item);
        this.container.append(item.element);
      }
      item.update(state);
    }
    for (const [key, item] of this.items) {
      if (seen.has(key)) continue;
      item.element.remove();
      this.items.delete(key);
    }
    this.showSection();
  }

  clear() {
    for (const item of this.items.values()) item.element.remove();
    this.items.clear();
    this.showSection();
  }
}

let instances = 0;

export function createBoardView(parent: HTMLElement, actions: BoardViewActions): BoardView {
  const prefix = `bv${++instances}`;
  parent.replaceChildren();
  parent.classList.add('bv-root');

  const head = html(parent, 'div', 'bv-head');
  html(head, 'h2', undefined, 'Simulated board');
  html(head, 'span', 'bv-model', MODEL);

  // ---- the board --------------------------------------------------------------------------

  const stage = html(parent, 'div', 'bv-board');
  const root = svg(stage, 'svg', { viewBox: `0 0 ${VIEW_W} ${VIEW_H}`, role: 'group', 'aria-label': MODEL, class: 'bv-svg' });
  const defs = svg(root, 'defs');
  const glow = svg(defs, 'radialGradient', { id: `${prefix}-glow` });
  svg(glow, 'stop', { offset: 0, class: 'bv-glow-core' });
  svg(glow, 'stop', { offset: 0.35, class: 'bv-glow-mid' });
  svg(glow, 'stop', { offset: 1, class: 'bv-glow-edge' });
  const shield = svg(defs, 'linearGradient', { id: `${prefix}-shield`, x1: 0, y1: 0, x2: 1, y2: 1 });
  svg(shield, 'stop', { offset: 0, class: 'bv-shield-light' });
  svg(shield, 'stop', { offset: 1, class: 'bv-shield-dark' });

  // The drawing, hidden from assistive technology: the LED, the pins and the BOOT button speak for it.
  const decor = svg(root, 'g', { 'aria-hidden': 'true' });

  // The PCB, and the USB connector over its bottom edge.
  svg(decor, 'rect', { x: PCB.x, y: PCB.y, width: PCB.w, height: PCB.h, rx: 7, class: 'bv-pcb' });
  const cx = PCB.x + PCB.w / 2;
  svg(decor, 'rect', { x: cx - 19, y: PCB.y + PCB.h - 20, width: 38, height: 26, rx: 3, class: 'bv-usb' });
  svg(decor, 'rect', { x: cx - 13, y: PCB.y + PCB.h - 1, width: 26, height: 5, rx: 1.5, class: 'bv-usb-hole' });

  // The module: its PCB with the antenna's meander at the top, the shield can below.
  const module = { x: cx - 38, y: PCB.y + 6, w: 76, h: 110 };
  svg(decor, 'rect', { x: module.x, y: module.y, width: module.w, height: module.h, rx: 2, class: 'bv-module' });
  let meander = `M${module.x + 6} ${module.y + 22}`;
  for (let i = 0; i < 8; i++) meander += ' v-12 h4 v12 h4';
  svg(decor, 'path', { d: meander, class: 'bv-antenna' });
  const can = { x: module.x + 5, y: module.y + 32, w: module.w - 10, h: module.h - 37 };
  svg(decor, 'rect', { x: can.x, y: can.y, width: can.w, height: can.h, rx: 2, fill: `url(#${prefix}-shield)`, class: 'bv-can' });
  svg(decor, 'text', { x: cx, y: can.y + 30, class: 'bv-can-text', 'text-anchor': 'middle' }, 'ESP32-C3');
  svg(decor, 'text', { x: cx, y: can.y + 42, class: 'bv-can-text small', 'text-anchor': 'middle' }, 'MINI-1');
  svg(decor, 'text', { x: cx, y: can.y + can.h - 10, class: 'bv-can-text tiny', 'text-anchor': 'middle' }, 'ESPRESSIF');

  // The USB-serial chip and a few passives, for the look of it.
  svg(decor, 'rect', { x: cx - 14, y: 196, width: 28, height: 28, rx: 2, class: 'bv-chip' });
  svg(decor, 'circle', { cx: cx - 9, cy: 201, r: 1.6, class: 'bv-chip-dot' });
  for (const [x, y, w, h] of [[cx - 30, 174, 9, 5], [cx + 21, 174, 9, 5], [cx - 28, 236, 5, 9], [cx + 23, 236, 5, 9], [cx - 4, 250, 8, 5], [cx + 24, 272, 9, 5]]) {
    svg(decor, 'rect', { x, y, width: w, height: h, rx: 0.8, class: 'bv-passive' });
  }
  svg(decor, 'text', { x: cx, y: 264, class: 'bv-silk small', 'text-anchor': 'middle' }, MODEL);
  svg(decor, 'text', { x: PAD_X.left + 9, y: FIRST_PIN_Y - 17, class: 'bv-silk tiny' }, 'J1');
  svg(decor, 'text', { x: PAD_X.right - 9, y: FIRST_PIN_Y - 17, class: 'bv-silk tiny', 'text-anchor': 'end' }, 'J3');

  // The BOOT button's footprint and name (the button itself is HTML, over it).
  svg(decor, 'rect', { x: BOOT.x - 3, y: BOOT.y - 3, width: BOOT.size + 6, height: BOOT.size + 6, rx: 2, class: 'bv-button-pads' });
  svg(decor, 'text', { x: BOOT.x + BOOT.size / 2, y: BOOT.y - 8, class: 'bv-silk tiny', 'text-anchor': 'middle' }, 'BOOT');
  svg(decor, 'text', { x: LED.x - 12, y: LED.y + 3, class: 'bv-silk tiny', 'text-anchor': 'end' }, 'LED IO8');

  // The user LED on GPIO8.
  const ledView = svg(root, 'g', { class: 'bv-led', role: 'img', 'aria-label': 'LED (GPIO8): off', 'data-state': 'off' });
  const ledGlow = svg(ledView, 'circle', { cx: LED.x, cy: LED.y, r: 24, fill: `url(#${prefix}-glow)`, class: 'bv-led-glow', opacity: 0 });
  svg(ledView, 'rect', { x: LED.x - 8, y: LED.y - 5.5, width: 16, height: 11, rx: 1.5, class: 'bv-led-body' });
  svg(ledView, 'rect', { x: LED.x - 5, y: LED.y - 3.5, width: 10, height: 7, rx: 3.5, class: 'bv-led-lens' });
  const ledLit = svg(ledView, 'rect', { x: LED.x - 5, y: LED.y - 3.5, width: 10, height: 7, rx: 3.5, class: 'bv-led-lit', opacity: 0 });

  // The headers: a pad per pin, its name outside the board, its state (if a GPIO) inside.
  const pins = new Map<number, PinView>();
  const header = (list: HeaderPin[], side: 'left' | 'right') => {
    list.forEach((name, index) => {
      const y = FIRST_PIN_Y + index * PITCH;
      const gpio = typeof name === 'number';
      const group = svg(root, 'g', { class: gpio ? 'bv-pin' : 'bv-pin power' });
      svg(group, 'circle', { cx: PAD_X[side], cy: y, r: 5, class: 'bv-pad' });
      svg(group, 'circle', { cx: PAD_X[side], cy: y, r: 2.6, class: 'bv-hole' });
      const label = gpio ? `GPIO${name}` : name;
      const text = svg(group, 'text', { x: LABEL_X[side], y: y + 3.5, class: 'bv-label', 'text-anchor': side === 'left' ? 'end' : 'start' }, label);
      if (gpio && SECOND_NAME[name]) svg(text, 'tspan', { class: 'bv-label-alt' }, ` ${SECOND_NAME[name]}`);
      if (!gpio) {
        group.setAttribute('aria-hidden', 'true');
        return;
      }
      group.setAttribute('role', 'img');
      group.setAttribute('aria-label', label);
      group.dataset.pin = String(name);
      const state = svg(group, 'text', { x: PAD_X[side] + (side === 'left' ? 8 : -8), y: y + 3, class: 'bv-state', 'text-anchor': side === 'left' ? 'start' : 'end' });
      pins.set(name, { element: group, state, shown: '' });
    });
  };
  header(J1, 'left');
  header(J3, 'right');

  // ---- the BOOT button --------------------------------------------------------------------

  const boot = html(stage, 'button', 'bv-boot');
  boot.type = 'button';
  boot.setAttribute('aria-label', 'BOOT button (GPIO9)');
  boot.title = 'BOOT: hold to drive GPIO9 low';
  boot.style.left = `${(BOOT.x / VIEW_W) * 100}%`;
  boot.style.top = `${(BOOT.y / VIEW_H) * 100}%`;
  boot.style.width = `${(BOOT.size / VIEW_W) * 100}%`;
  boot.style.height = `${(BOOT.size / VIEW_H) * 100}%`;
  html(boot, 'span', 'bv-boot-cap').setAttribute('aria-hidden', 'true');
  let held = false;
  const hold = (down: boolean) => {
    if (held === down) return;
    held = down;
    boot.classList.toggle('pressed', down);
    actions.press(BOOT_PIN, down);
  };
  const isPressKey = (event: KeyboardEvent) => event.key === ' ' || event.key === 'Enter';
  boot.addEventListener('pointerdown', (event) => {
    if (event.button === 0) hold(true);
  });
  for (const type of ['pointerup', 'pointerleave', 'pointercancel'] as const) boot.addEventListener(type, () => hold(false));
  boot.addEventListener('keydown', (event) => {
    if (!isPressKey(event)) return;
    event.preventDefault();
    if (!event.repeat) hold(true);
  });
  boot.addEventListener('keyup', (event) => {
    if (!isPressKey(event)) return;
    event.preventDefault();
    hold(false);
  });
  boot.addEventListener('blur', () => hold(false));
  boot.addEventListener('contextmenu', (event) => event.preventDefault());

  const legend = html(parent, 'div', 'bv-legend');
  legend.setAttribute('aria-hidden', 'true');
  for (const [kind, text] of [['high', 'High'], ['low', 'Low'], ['pwm', 'PWM'], ['adc', 'ADC']]) {
    html(legend, 'span', `bv-key ${kind}`, text);
  }
  const hint = html(parent, 'p', 'bv-hint', 'Pins, sliders, NeoPixels, displays and UART output appear here as the program uses them.');

  // ---- the panels below the board ----------------------------------------------------------

  const section = (title: string) => {
    const element = html(parent, 'section', 'bv-section');
    element.hidden = true;
    const heading = html(element, 'h3', undefined, title);
    heading.id = `${prefix}-${title.toLowerCase().replace(/\W+/g, '-')}`;
    element.setAttribute('aria-labelledby', heading.id);
    return html(element, 'div', 'bv-list');
  };

  let sliderSerial = 0;
  const adcList = new Keyed<AdcState>(
    section('Analog inputs'),
    (state) => String(state.pin),
    ({ pin }) => {
      const element = html(null, 'div', 'bv-adc');
      const id = `${prefix}-adc-${++sliderSerial}`;
      const label = html(element, 'label', undefined, `ADC GPIO${pin}`);
      label.htmlFor = id;
      const input = html(element, 'input');
      Object.assign(input, { type: 'range', id, min: '0', max: '65535', step: '1' });
      const output = html(element, 'output');
      output.htmlFor.add(id);
      let touched = -Infinity;
      let dragging = false;
      input.addEventListener('pointerdown', () => (dragging = true));
      for (const type of ['pointerup', 'pointercancel'] as const) input.addEventListener(type, () => (dragging = false));
      input.addEventListener('input', () => {
        touched = performance.now();
        output.value = input.value;
        actions.adc(pin, Number(input.value));
      });
      return {
        element,
        update(state) {
          if (dragging || performance.now() - touched < SLIDER_GRACE_MS) return;
          const value = String(Math.round(Math.min(Math.max(state.value, 0), 65535)));
          if (input.value !== value) input.value = value;
          if (output.value !== value) output.value = value;
        },
      };
    },
  );

  const stripList = new Keyed<StripState>(
    section('NeoPixels'),
    (state) => String(state.pin),
    ({ pin }) => {
      const element = html(null, 'div', 'bv-strip');
      const caption = html(element, 'div', 'bv-caption');
      const row = html(element, 'div', 'bv-pixels');
      const shown: string[] = [];
      return {
        element,
        update({ bpp, data }) {
          const count = Math.floor(data.length / bpp);
          if (shown.length !== count) caption.textContent = `GPIO${pin} · ${count} pixel${count === 1 ? '' : 's'}`;
          while (row.children.length < count) {
            const pixel = html(row, 'span', 'bv-pixel');
            pixel.setAttribute('role', 'img');
            shown.push('');
          }
          while (row.children.length > count) {
            row.lastElementChild?.remove();
            shown.pop();
          }
          for (let i = 0; i < count; i++) {
            const [r, g, b] = pixelRgb(data, i * bpp, bpp);
            const colour = `rgb(${r}, ${g}, ${b})`;
            if (shown[i] === colour) continue;
            shown[i] = colour;
            const pixel = row.children[i] as HTMLElement;
            pixel.setAttribute('aria-label', `NeoPixel ${i} on GPIO${pin}: ${colour}`);
            pixel.style.setProperty('--pixel', colour);
            pixel.dataset.lit = String(r + g + b > 0);
          }
        },
      };
    },
  );

  const displayList = new Keyed<DisplayState>(
    section('Displays'),
    (state) => `${state.bus}:${state.addr}:${state.width}x${state.height}`,
    ({ bus, addr, width, height }) => {
      const address = `0x${addr.toString(16).toUpperCase().padStart(2, '0')}`;
      const element = html(null, 'figure', 'bv-display');
      const bezel = html(element, 'div', 'bv-bezel');
      const canvas = html(bezel, 'canvas');
      canvas.width = width;
      canvas.height = height;
      canvas.style.width = `${width * 2}px`;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `SSD1306 display (I2C ${address})`);
      canvas.dataset.lit = '0';
      html(element, 'figcaption', undefined, `SSD1306 ${width}×${height} · I2C${bus} ${address}`);
      const context = canvas.getContext('2d');
      const image = context?.createImageData(width, height);
      let last: Uint8Array | null = null;
      return {
        element,
        update({ data }) {
          if (last && last.length === data.length && last.every((byte, i) => byte === data[i])) return;
          last = data.slice();
          let lit = 0;
          const pixels = image?.data;
          for (let page = 0; page * 8 < height; page++) {
            for (let x = 0; x < width; x++) {
              const byte = data[page * width + x] ?? 0;
              for (let bit = 0; bit < 8; bit++) {
                const y = page * 8 + bit;
                if (y >= height) break;
                const on = (byte >> bit) & 1;
                lit += on;
                if (pixels) pixels.set(on ? OLED_ON : OLED_OFF, (y * width + x) * 4);
              }
            }
          }
          if (context && image) context.putImageData(image, 0, 0);
          canvas.dataset.lit = String(lit);
        },
      };
    },
  );

  const uartList = section('UART');
  const uarts = new Map<number, { element: HTMLElement; log: HTMLPreElement; text: string }>();
  const appendUart = (id: number, text: string) => {
    let uart = uarts.get(id);
    if (!uart) {
      const element = html(null, 'div', 'bv-uart');
      html(element, 'div', 'bv-caption', `UART ${id}`);
      const log = html(element, 'pre', 'bv-log');
      log.setAttribute('role', 'log');
      log.setAttribute('aria-live', 'off');
      log.setAttribute('aria-label', `UART ${id} output`);
      log.tabIndex = 0;
      uart = { element, log, text: '' };
      uarts.set(id, uart);
      const after = [...uarts.keys()].sort((a, b) => a - b).find((other) => other > id);
      uartList.insertBefore(element, after === undefined ? null : uarts.get(after)!.element);
    }
    const clean = text.replace(/\r/g, '');
    if (clean === '' && uart.text !== '') return;
    const atEnd = uart.log.scrollTop + uart.log.clientHeight >= uart.log.scrollHeight - 4;
    uart.text = (uart.text + clean).slice(-UART_KEEP);
    uart.log.textContent = uart.text;
    if (atEnd) uart.log.scrollTop = uart.log.scrollHeight;
  };

  // ---- showing a state ---------------------------------------------------------------------

  const showPin = (view: PinView, state: PinState | undefined, adc: AdcState | undefined, pin: number) => {
    let kind = '';
    let name = `GPIO${pin}`;
    let mark = '';
    if (state?.pwm) {
      kind = 'pwm';
      name = describePin(state);
      mark = `${percent(state.pwm.duty)}%`;
    } else if (adc) {
      kind = 'adc';
      name = `GPIO${pin}: ADC ${Math.round(adc.value)}`;
      mark = 'A';
    } else if (state) {
      kind = state.level ? 'high' : 'low';
      name = describePin(state);
      mark = state.level ? 'H' : 'L';
    }
    const shown = `${kind}|${name}|${state?.level ?? ''}`;
    if (view.shown === shown) return;
    view.shown = shown;
    view.element.setAttribute('aria-label', name);
    if (kind) view.element.dataset.kind = kind;
    else delete view.element.dataset.kind;
    if (state) view.element.dataset.level = String(state.level);
    else delete view.element.dataset.level;
    view.state.textContent = mark;
  };

  let ledShown = '';
  const showLed = (state: PinState | undefined) => {
    let label = 'off';
    let mode = 'off';
    let brightness = 0;
    if (state?.pwm) {
      mode = 'pwm';
      label = `${percent(state.pwm.duty)}%`;
      brightness = Math.min(Math.max(state.pwm.duty, 0), 65535) / 65535;
    } else if (state?.level) {
      mode = label = 'on';
      brightness = 1;
    }
    const shown = `${mode}|${label}|${brightness}`;
    if (ledShown === shown) return;
    ledShown = shown;
    ledView.setAttribute('aria-label', `LED (GPIO${LED_PIN}): ${label}`);
    ledView.dataset.state = mode;
    // Perceived brightness grows faster than duty at the low end, as an eye sees a PWM'd LED.
    const seen = brightness > 0 ? 0.15 + 0.85 * Math.sqrt(brightness) : 0;
    ledLit.setAttribute('opacity', seen.toFixed(3));
    ledGlow.setAttribute('opacity', seen.toFixed(3));
  };

  const uartSection = uartList.parentElement as HTMLElement;

  return {
    update(state) {
      const byPin = new Map(state.pins.map((pin) => [pin.pin, pin]));
      const adcByPin = new Map(state.adc.map((adc) => [adc.pin, adc]));
      for (const [pin, view] of pins) showPin(view, byPin.get(pin), adcByPin.get(pin), pin);
      showLed(byPin.get(LED_PIN));
      adcList.sync([...state.adc].sort((a, b) => a.pin - b.pin));
      stripList.sync(state.pixels);
      displayList.sync(state.displays);
      for (const { id, text } of state.uart) appendUart(id, text);
      uartSection.hidden = uarts.size === 0;
      hint.hidden = state.pins.length + state.adc.length + state.pixels.length + state.displays.length + uarts.size > 0;
    },
    reset() {
      for (const [pin, view] of pins) showPin(view, undefined, undefined, pin);
      showLed(undefined);
      adcList.clear();
      stripList.clear();
      displayList.clear();
      for (const uart of uarts.values()) uart.element.remove();
      uarts.clear();
      uartSection.hidden = true;
      hint.hidden = false;
    },
  };
}
