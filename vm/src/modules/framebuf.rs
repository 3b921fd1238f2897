//! `framebuf`: drawing into a byte buffer in the pixel formats of small displays
//! (monochrome in three bit orders, 2-, 4- and 8-bit greyscale, RGB565), as MicroPython's
//! `FrameBuffer` does: pixels, lines, rectangles, ellipses, polygons, blits with a key
//! colour and a palette, scrolling and 8x8 text. Drawing matches MicroPython pixel for
//! pixel, so code written for a display looks the same here.

use alloc::vec::Vec;

use crate::error::{ErrKind, PyErr};
use crate::gc::Obj;
use crate::objects::data::{ClassSpec, Data};
use crate::value::Value;
use crate::vm::{Args, Interp, Native, PResult};

/// Pixel formats, by MicroPython's numbers.
const MONO_VLSB: i64 = 0;
const RGB565: i64 = 1;
const GS4_HMSB: i64 = 2;
const MONO_HLSB: i64 = 3;
const MONO_HMSB: i64 = 4;
const GS2_HMSB: i64 = 5;
const GS8: i64 = 6;

/// The geometry of a frame buffer over some bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Geometry {
    width: i64,
    height: i64,
    format: i64,
    /// Pixels from one row to the next (rounded up to whole bytes for the packed formats).
    stride: i64,
    /// Bytes the buffer must hold.
    needed: usize,
}

impl Geometry {
    /// Check the arguments of `FrameBuffer(buf, w, h, format, stride)` against the buffer's
    /// length; the geometry with the stride rounded as the format needs.
    fn new(width: i64, height: i64, format: i64, stride: Option<i64>, len: usize) -> PResult<Self> {
        let mut stride = stride.unwrap_or(width);
        if width < 1
            || height < 1
            || width > 0xffff
            || height > 0xffff
            || stride > 0xffff
            || stride < width
        {
            return Err(PyErr::bare(ErrKind::ValueError));
        }
        // Rows and strides the buffer must hold, and bits per pixel.
        let (mut rows, mut row_width, mut full_strides, bits) = (height, width, height - 1, 1);
        let round = |v: i64, to: i64| (v + to - 1) / to * to;
        let bits = match format {
            MONO_VLSB => {
                rows = round(height, 8);
                full_strides = rows - 8;
                bits
            }
            MONO_HLSB | MONO_HMSB => {
                stride = round(stride, 8);
                row_width = round(width, 8);
                bits
            }
            GS2_HMSB => {
                stride = round(stride, 4);
                row_width = round(width, 4);
                2
            }
            GS4_HMSB => {
                stride = round(stride, 2);
                row_width = round(width, 2);
                4
            }
            GS8 => 8,
            RGB565 => 16,
            _ => return Err(PyErr::new(ErrKind::ValueError, "invalid format")),
        };
        let needed = (full_strides * stride + (rows - full_strides) * row_width) * bits / 8;
        if needed as usize > len {
            return Err(PyErr::bare(ErrKind::ValueError));
        }
        Ok(Geometry {
            width,
            height,
            format,
            stride,
            needed: needed as usize,
        })
    }

    fn contains(&self, x: i64, y: i64) -> bool {
        (0..self.width).contains(&x) && (0..self.height).contains(&y)
    }

    /// The byte index and bit shift of pixel (x, y), for the formats under a byte.
    fn locate(&self, x: i64, y: i64) -> (usize, u32) {
        match self.format {
            MONO_VLSB => (((y >> 3) * self.stride + x) as usize, (y & 7) as u32),
            MONO_HLSB => (((x + y * self.stride) >> 3) as usize, 7 - (x & 7) as u32),
            MONO_HMSB => (((x + y * self.stride) >> 3) as usize, (x & 7) as u32),
            GS2_HMSB => (((x + y * self.stride) >> 2) as usize, ((x & 3) << 1) as u32),
            // GS4: the even pixel is the high nibble.
            GS4_HMSB => (
                ((x + y * self.stride) >> 1) as usize,
                if x & 1 == 1 { 0 } else { 4 },
            ),
            _ => ((x + y * self.stride) as usize, 0),
        }
    }

    fn get(&self, buf: &[u8], x: i64, y: i64) -> u32 {
        let (i, shift) = self.locate(x, y);
        match self.format {
            RGB565 => {
                let i = 2 * (x + y * self.stride) as usize;
                u32::from(u16::from_le_bytes([buf[i], buf[i + 1]]))
            }
            GS8 => u32::from(buf[i]),
            MONO_VLSB | MONO_HLSB | MONO_HMSB => u32::from(buf[i] >> shift & 1),
            GS2_HMSB => u32::from(buf[i] >> shift & 3),
            _ => u32::from(buf[i] >> shift & 15),
        }
    }

    fn set(&self, buf: &mut [u8], x: i64, y: i64, col: u32) {
        let (i, shift) = self.locate(x, y);
        let mut put = |mask: u8, value: u8| {
            buf[i] = buf[i] & !(mask << shift) | (value & mask) << shift;
        };
        match self.format {
            RGB565 => {
                let i = 2 * (x + y * self.stride) as usize;
                buf[i..i + 2].copy_from_slice(&(col as u16).to_le_bytes());
            }
            GS8 => buf[i] = col as u8,
            MONO_VLSB | MONO_HLSB | MONO_HMSB => put(1, u8::from(col != 0)),
            GS2_HMSB => put(3, col as u8),
            _ => put(15, col as u8),
        }
    }

    fn set_checked(&self, buf: &mut [u8], x: i64, y: i64, col: u32) {
        if self.contains(x, y) {
            self.set(buf, x, y, col);
        }
    }

    /// Fill the part of a rectangle that lies inside the buffer.
    fn fill_rect(&self, buf: &mut [u8], x: i64, y: i64, w: i64, h: i64, col: u32) {
        if w < 1 || h < 1 || x + w <= 0 || y + h <= 0 || x >= self.width || y >= self.height {
            return;
        }
        let (x0, y0) = (x.max(0), y.max(0));
        let (x1, y1) = ((x + w).min(self.width), (y + h).min(self.height));
        for yy in y0..y1 {
            for xx in x0..x1 {
                self.set(buf, xx, yy, col);
            }
        }
    }

    /// A line from (x1, y1) to (x2, y2) by Bresenham's method, both ends included.
    fn line(&self, buf: &mut [u8], x1: i64, y1: i64, x2: i64, y2: i64, col: u32) {
        let (mut dx, mut dy) = ((x2 - x1).abs(), (y2 - y1).abs());
        let (mut sx, mut sy) = (if x2 > x1 { 1 } else { -1 }, if y2 > y1 { 1 } else { -1 });
        // Walk along the major axis (u) and step the minor one (v) when the error says so.
        let steep = dy > dx;
        let (mut u, mut v) = (x1, y1);
        if steep {
            core::mem::swap(&mut u, &mut v);
            core::mem::swap(&mut dx, &mut dy);
            core::mem::swap(&mut sx, &mut sy);
        }
        let mut err = 2 * dy - dx;
        for _ in 0..dx {
            let (px, py) = if steep { (v, u) } else { (u, v) };
            self.set_checked(buf, px, py, col);
            while err >= 0 {
                v += sy;
                err -= 2 * dx;
            }
            u += sx;
            err += 2 * dy;
        }
        self.set_checked(buf, x2, y2, col);
    }
}

/// A frame buffer: the buffer object it draws into, and its geometry.
#[derive(Debug, Default)]
pub(crate) struct FrameBuf {
    buf: Value,
    geo: Geometry,
}

impl Data for FrameBuf {
    fn trace(&self, f: &mut dyn FnMut(Value)) {
        f(self.buf);
    }

    fn buffer(&self) -> Option<Value> {
        (self.buf != Value::None).then_some(self.buf)
    }
}

static FRAME_BUFFER: ClassSpec = ClassSpec {
    name: "FrameBuffer",
    base: None,
    methods: &[
        Native::new("__init__", fb_init).args(5, 6).kw(),
        Native::new("fill", fb_fill).args(2, 2).kw(),
        Native::new("fill_rect", fb_fill_rect).args(6, 6).kw(),
        Native::new("pixel", fb_pixel).args(3, 4).kw(),
        Native::new("hline", fb_hline).args(5, 5).kw(),
        Native::new("vline", fb_vline).args(5, 5).kw(),
        Native::new("rect", fb_rect).args(6, 7).kw(),
        Native::new("line", fb_line).args(6, 6).kw(),
        Native::new("ellipse", fb_ellipse).args(6, 8).kw(),
        Native::new("poly", fb_poly).args(5, 6).kw(),
        Native::new("blit", fb_blit).args(4, 6).kw(),
        Native::new("scroll", fb_scroll).args(3, 3).kw(),
        Native::new("text", fb_text).args(4, 5).kw(),
    ],
    make: Some(fb_new),
};

pub(super) fn make(vm: &mut Interp) -> crate::gc::ObjRef {
    let m = vm.native_module(
        "framebuf",
        &[Native::new("FrameBuffer1", fb_legacy).args(3, 4)],
    );
    let c = vm.data_class(&FRAME_BUFFER);
    vm.set_attr_str(m, "FrameBuffer", Value::Obj(c));
    for (name, v) in [
        ("MVLSB", MONO_VLSB),
        ("MONO_VLSB", MONO_VLSB),
        ("RGB565", RGB565),
        ("GS2_HMSB", GS2_HMSB),
        ("GS4_HMSB", GS4_HMSB),
        ("GS8", GS8),
        ("MONO_HLSB", MONO_HLSB),
        ("MONO_HMSB", MONO_HMSB),
    ] {
        vm.set_attr_str(m, name, Value::Int(v));
    }
    m
}

impl Interp {
    /// The geometry of `(buffer, width, height, format[, stride])` given as values.
    fn fb_geometry(&self, items: &[Value]) -> PResult<Geometry> {
        let len = match self.as_bytes(items[0]) {
            Some(b) => b.len(),
            None => return Err(PyErr::type_error("object with buffer protocol required")),
        };
        let stride = match items.get(4) {
            Some(v) => Some(self.int_arg(*v)?),
            None => None,
        };
        Geometry::new(
            self.int_arg(items[1])?,
            self.int_arg(items[2])?,
            self.int_arg(items[3])?,
            stride,
            len,
        )
    }

    /// A frame buffer argument, read-only: a FrameBuffer (or subclass), or a tuple or list
    /// `(buffer, width, height, format[, stride])`; its geometry and a copy of its bytes.
    fn fb_source(&self, v: Value) -> PResult<(Geometry, Vec<u8>)> {
        let checked = |geo: Geometry, bytes: Vec<u8>| {
            if bytes.len() < geo.needed || geo.width == 0 {
                return Err(PyErr::bare(ErrKind::ValueError));
            }
            Ok((geo, bytes))
        };
        if let Some(fb) = self.data_ref::<FrameBuf>(v) {
            let bytes = self
                .as_bytes(fb.buf)
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            return checked(fb.geo, bytes);
        }
        let is_seq = matches!(v, Value::Obj(r) if matches!(self.gc.heap.get(r), Obj::Tuple(_) | Obj::List(_)));
        if !is_seq {
            return Err(PyErr::type_error(
                "expected a FrameBuffer or a (buffer, w, h, format) tuple",
            ));
        }
        let items = self.tuple_items(v);
        if !(4..=5).contains(&items.len()) {
            return Err(PyErr::bare(ErrKind::ValueError));
        }
        let geo = self.fb_geometry(&items)?;
        let bytes = self
            .as_bytes(items[0])
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        checked(geo, bytes)
    }

    /// Draw on the frame buffer that is argument 0.
    fn fb_draw<T>(&mut self, a: Args, draw: impl FnOnce(&Geometry, &mut [u8]) -> T) -> PResult<T> {
        let (buf, geo) = {
            let fb = self.this::<FrameBuf>(a)?;
            (fb.buf, fb.geo)
        };
        if geo.width == 0 {
            return Err(PyErr::new(
                ErrKind::ValueError,
                "FrameBuffer not initialised",
            ));
        }
        let bytes = self.buffer_mut(buf)?;
        if bytes.len() < geo.needed {
            // The buffer shrank since the frame buffer was made.
            return Err(PyErr::bare(ErrKind::ValueError));
        }
        Ok(draw(&geo, bytes))
    }
}

/// `FrameBuffer(buffer, width, height, format, stride=width)`.
fn fb_new(vm: &mut Interp, a: Args) -> PResult<Value> {
    // A subclass's own `__init__` calls `FrameBuffer.__init__` itself.
    if a.len == 0 {
        return vm.new_data(&FRAME_BUFFER, FrameBuf::default());
    }
    vm.nargs(a, "FrameBuffer", 4, 5)?;
    let items = vm.args_vec(a);
    let geo = vm.fb_geometry(&items)?;
    vm.buffer_mut(items[0])?;
    vm.new_data(&FRAME_BUFFER, FrameBuf { buf: items[0], geo })
}

fn fb_init(vm: &mut Interp, a: Args) -> PResult<Value> {
    let items = vm.args_vec(a)[1..].to_vec();
    let geo = vm.fb_geometry(&items)?;
    vm.buffer_mut(items[0])?;
    let fb = vm.this::<FrameBuf>(a)?;
    fb.buf = items[0];
    fb.geo = geo;
    Ok(Value::None)
}

/// `FrameBuffer1(buffer, width, height, stride=width)`: the old monochrome-only form.
fn fb_legacy(vm: &mut Interp, a: Args) -> PResult<Value> {
    let mut items = vm.args_vec(a);
    let stride = items.get(3).copied().unwrap_or(items[1]);
    items.truncate(3);
    items.push(Value::Int(MONO_VLSB));
    items.push(stride);
    let geo = vm.fb_geometry(&items)?;
    vm.buffer_mut(items[0])?;
    vm.new_data(&FRAME_BUFFER, FrameBuf { buf: items[0], geo })
}

/// Integer arguments `from..from + n`.
fn ints<const N: usize>(vm: &Interp, a: Args, from: usize) -> PResult<[i64; N]> {
    let mut out = [0i64; N];
    for (k, slot) in out.iter_mut().enumerate() {
        *slot = vm.int_arg(vm.arg(a, from + k))?;
    }
    Ok(out)
}

fn fb_fill(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [col] = ints::<1>(vm, a, 1)?;
    vm.fb_draw(a, |g, b| {
        g.fill_rect(b, 0, 0, g.width, g.height, col as u32)
    })?;
    Ok(Value::None)
}

fn fb_fill_rect(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [x, y, w, h, col] = ints::<5>(vm, a, 1)?;
    vm.fb_draw(a, |g, b| g.fill_rect(b, x, y, w, h, col as u32))?;
    Ok(Value::None)
}

fn fb_pixel(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [x, y] = ints::<2>(vm, a, 1)?;
    if a.len == 3 {
        let got = vm.fb_draw(a, |g, b| g.contains(x, y).then(|| g.get(b, x, y)))?;
        return Ok(got.map_or(Value::None, |c| Value::Int(i64::from(c))));
    }
    let col = vm.int_arg(vm.arg(a, 3))? as u32;
    vm.fb_draw(a, |g, b| g.set_checked(b, x, y, col))?;
    Ok(Value::None)
}

fn fb_hline(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [x, y, w, col] = ints::<4>(vm, a, 1)?;
    vm.fb_draw(a, |g, b| g.fill_rect(b, x, y, w, 1, col as u32))?;
    Ok(Value::None)
}

fn fb_vline(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [x, y, h, col] = ints::<4>(vm, a, 1)?;
    vm.fb_draw(a, |g, b| g.fill_rect(b, x, y, 1, h, col as u32))?;
    Ok(Value::None)
}

fn fb_rect(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [x, y, w, h, col] = ints::<5>(vm, a, 1)?;
    let fill = a.len == 7 && vm.truthy(vm.arg(a, 6))?;
    let col = col as u32;
    vm.fb_draw(a, |g, b| {
        if fill {
            g.fill_rect(b, x, y, w, h, col);
        } else {
            g.fill_rect(b, x, y, w, 1, col);
            g.fill_rect(b, x, y + h - 1, w, 1, col);
            g.fill_rect(b, x, y, 1, h, col);
            g.fill_rect(b, x + w - 1, y, 1, h, col);
        }
    })?;
    Ok(Value::None)
}

fn fb_line(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [x1, y1, x2, y2, col] = ints::<5>(vm, a, 1)?;
    vm.fb_draw(a, |g, b| g.line(b, x1, y1, x2, y2, col as u32))?;
    Ok(Value::None)
}

/// Quadrants of an ellipse (`Q2 Q1 / Q3 Q4`), and the fill flag.
const Q1: i64 = 1;
const Q2: i64 = 2;
const Q3: i64 = 4;
const Q4: i64 = 8;
const FILL: i64 = 16;

/// Where and how an ellipse is drawn: centre, colour, and the quadrant and fill mask.
struct EllipseStyle {
    cx: i64,
    cy: i64,
    col: u32,
    mask: i64,
}

/// The four mirror images of one point of an ellipse (or, filled, the spans to the axis).
fn ellipse_points(g: &Geometry, b: &mut [u8], e: &EllipseStyle, x: i64, y: i64) {
    let quadrants = [(Q1, 1, -1), (Q2, -1, -1), (Q3, -1, 1), (Q4, 1, 1)];
    for (q, sx, sy) in quadrants {
        if e.mask & q == 0 {
            continue;
        }
        if e.mask & FILL != 0 {
            let left = if sx > 0 { e.cx } else { e.cx - x };
            g.fill_rect(b, left, e.cy + sy * y, x + 1, 1, e.col);
        } else {
            g.set_checked(b, e.cx + sx * x, e.cy + sy * y, e.col);
        }
    }
}

/// `ellipse(cx, cy, xr, yr, col, fill=False, mask=0xf)`: the midpoint method, in two
/// regions (where the slope is shallower than -1, then steeper).
fn fb_ellipse(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [cx, cy, xr, yr, col] = ints::<5>(vm, a, 1)?;
    let mut mask = if a.len > 6 && vm.truthy(vm.arg(a, 6))? {
        FILL
    } else {
        0
    };
    mask |= if a.len > 7 {
        vm.int_arg(vm.arg(a, 7))? & 0xf
    } else {
        0xf
    };
    let col = col as u32;
    let style = EllipseStyle { cx, cy, col, mask };
    vm.fb_draw(a, |g, b| {
        if xr == 0 && yr == 0 {
            if mask & 0xf != 0 {
                g.set_checked(b, cx, cy, col);
            }
            return;
        }
        let (a2, b2) = (xr * xr, yr * yr);
        // Region 1: step y, and x when the error crosses over.
        let (mut x, mut y) = (xr, 0);
        let (mut dx, mut dy) = (b2 * (1 - 2 * xr), a2);
        let (mut err, mut stop_x, mut stop_y) = (0, 2 * b2 * xr, 0);
        while stop_x >= stop_y {
            ellipse_points(g, b, &style, x, y);
            y += 1;
            stop_y += 2 * a2;
            err += dy;
            dy += 2 * a2;
            if 2 * err + dx > 0 {
                x -= 1;
                stop_x -= 2 * b2;
                err += dx;
                dx += 2 * b2;
            }
        }
        // Region 2: step x, and y when the error crosses over.
        let (mut x, mut y) = (0, yr);
        let (mut dx, mut dy) = (b2, a2 * (1 - 2 * yr));
        let (mut err, mut stop_x, mut stop_y) = (0, 0, 2 * a2 * yr);
        while stop_x <= stop_y {
            ellipse_points(g, b, &style, x, y);
            x += 1;
            stop_x += 2 * b2;
            err += dx;
            dx += 2 * b2;
            if 2 * err + dy > 0 {
                y -= 1;
                stop_y -= 2 * a2;
                err += dy;
                dy += 2 * a2;
            }
        }
    })?;
    Ok(Value::None)
}

/// `poly(x, y, coords, col, fill=False)`: `coords` is an array of x, y pairs.
fn fb_poly(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [x, y] = ints::<2>(vm, a, 1)?;
    let coords = vm.arg(a, 3);
    let points: Vec<(i64, i64)> = {
        let items = vm.collect_iterable(coords)?;
        let mut nums = Vec::with_capacity(items.len());
        for v in items {
            nums.push(vm.int_arg(v)?);
        }
        nums.chunks_exact(2).map(|p| (p[0], p[1])).collect()
    };
    let col = vm.int_arg(vm.arg(a, 4))? as u32;
    let fill = a.len == 6 && vm.truthy(vm.arg(a, 5))?;
    if points.is_empty() {
        return Ok(Value::None);
    }
    vm.fb_draw(a, |g, b| {
        // The edges, each from a vertex to the one before it (the first closes the loop).
        let n = points.len();
        let edges: Vec<((i64, i64), (i64, i64))> =
            (0..n).map(|i| (points[(i + 1) % n], points[i])).collect();
        if !fill {
            for ((x1, y1), (x2, y2)) in &edges {
                g.line(b, x + x1, y + y1, x + x2, y + y2, col);
            }
            return;
        }
        // Scan lines: where each crosses the edges, then spans between pairs of crossings.
        let y_min = points.iter().map(|p| p.1).min().unwrap_or(0);
        let y_max = points.iter().map(|p| p.1).max().unwrap_or(0);
        let mut nodes: Vec<i64> = Vec::with_capacity(n);
        for row in y_min..=y_max {
            nodes.clear();
            for &((x1, y1), (x2, y2)) in &edges {
                if y1 != y2 && ((y1 > row && y2 <= row) || (y1 <= row && y2 > row)) {
                    // Rounded to the nearest pixel, in fixed point.
                    nodes.push((32 * x1 + 32 * (x2 - x1) * (row - y1) / (y2 - y1) + 16) / 32);
                } else if row == y1.max(y2) {
                    // The bottom pixel of an edge is left out above; put it back.
                    if y1 < y2 {
                        g.set_checked(b, x + x2, y + y2, col);
                    } else if y2 < y1 {
                        g.set_checked(b, x + x1, y + y1, col);
                    } else {
                        g.line(b, x + x1, y + y1, x + x2, y + y2, col);
                    }
                }
            }
            nodes.sort_unstable();
            for pair in nodes.chunks_exact(2) {
                g.fill_rect(b, x + pair[0], y + row, pair[1] - pair[0] + 1, 1, col);
            }
        }
    })?;
    Ok(Value::None)
}

/// `blit(source, x, y, key=-1, palette=None)`.
fn fb_blit(vm: &mut Interp, a: Args) -> PResult<Value> {
    let (src, src_bytes) = vm.fb_source(vm.arg(a, 1))?;
    let [x, y] = ints::<2>(vm, a, 2)?;
    let key = if a.len > 4 {
        vm.int_arg(vm.arg(a, 4))?
    } else {
        -1
    };
    let palette = match (a.len > 5).then(|| vm.arg(a, 5)) {
        Some(p) if p != Value::None => Some(vm.fb_source(p)?),
        _ => None,
    };
    vm.fb_draw(a, |g, b| {
        if x >= g.width || y >= g.height || -x >= src.width || -y >= src.height {
            return;
        }
        for dy in y.max(0)..(y + src.height).min(g.height) {
            for dx in x.max(0)..(x + src.width).min(g.width) {
                let mut col = src.get(&src_bytes, dx - x, dy - y);
                if let Some((pg, pb)) = &palette {
                    col = pg.get(pb, i64::from(col), 0);
                }
                if i64::from(col) != key {
                    g.set(b, dx, dy, col);
                }
            }
        }
    })?;
    Ok(Value::None)
}

/// `scroll(dx, dy)`: move the contents; what is uncovered keeps its old pixels.
fn fb_scroll(vm: &mut Interp, a: Args) -> PResult<Value> {
    let [xs, ys] = ints::<2>(vm, a, 1)?;
    vm.fb_draw(a, |g, b| {
        if xs.abs() >= g.width || ys.abs() >= g.height {
            return;
        }
        // Copy in the order that never reads a pixel already overwritten.
        let xs_range: Vec<i64> = if xs < 0 {
            (0..g.width + xs).collect()
        } else {
            (xs..g.width).rev().collect()
        };
        let ys_range: Vec<i64> = if ys < 0 {
            (0..g.height + ys).collect()
        } else {
            (ys..g.height).rev().collect()
        };
        for &yy in &ys_range {
            for &xx in &xs_range {
                let c = g.get(b, xx - xs, yy - ys);
                g.set(b, xx, yy, c);
            }
        }
    })?;
    Ok(Value::None)
}

/// `text(s, x, y, col=1)`: 8x8 characters, each byte of `s` one glyph.
fn fb_text(vm: &mut Interp, a: Args) -> PResult<Value> {
    let text = match vm.as_str(vm.arg(a, 1)) {
        Some(s) => alloc::string::String::from(s),
        None => return Err(PyErr::type_error("can't convert to str implicitly")),
    };
    let [x0, y0] = ints::<2>(vm, a, 2)?;
    let col = if a.len == 5 {
        vm.int_arg(vm.arg(a, 4))?
    } else {
        1
    } as u32;
    vm.fb_draw(a, |g, b| {
        let mut x = x0;
        for c in text.bytes() {
            for column in super::font8x8::columns(c) {
                if (0..g.width).contains(&x) {
                    for row in 0..8 {
                        if column >> row & 1 != 0 {
                            g.set_checked(b, x, y0 + row, col);
                        }
                    }
                }
                x += 1;
            }
        }
    })?;
    Ok(Value::None)
}
