//! The float operations a CPU (or wasm) does in one instruction. `libm` computes them in
//! software on targets where it may not use the instruction (on stable Rust, wasm32 among
//! them: the Simulator's `math.sqrt` was a loop); with `std` they are the instruction.

#[cfg(feature = "std")]
mod imp {
    #[inline]
    pub fn sqrt(x: f64) -> f64 {
        x.sqrt()
    }
    #[inline]
    pub fn floor(x: f64) -> f64 {
        x.floor()
    }
    #[inline]
    pub fn ceil(x: f64) -> f64 {
        x.ceil()
    }
    #[inline]
    pub fn trunc(x: f64) -> f64 {
        x.trunc()
    }
    /// Rounds half to even, as `round()` does.
    #[inline]
    pub fn rint(x: f64) -> f64 {
        x.round_ties_even()
    }
}

#[cfg(not(feature = "std"))]
mod imp {
    pub use libm::{ceil, floor, rint, sqrt, trunc};
}

pub use imp::*;

/// `abs()` of a complex number: √(re² + im²) as MicroPython computes it, where the squares
/// cannot overflow or fall below the normal range; elsewhere the careful `hypot`.
pub fn modulus(re: f64, im: f64) -> f64 {
    let (a, b) = (libm::fabs(re), libm::fabs(im));
    let (big, small) = if a >= b { (a, b) } else { (b, a) };
    if big < 1e150 && (small == 0.0 || small > 1e-150) {
        sqrt(big * big + small * small)
    } else {
        libm::hypot(re, im)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulus_is_exact_where_it_can_be_and_never_overflows() {
        assert_eq!(modulus(3.0, -4.0), 5.0);
        assert_eq!(modulus(0.0, -2.5), 2.5);
        assert_eq!(modulus(1e300, 1e300), libm::hypot(1e300, 1e300));
        assert!(modulus(1e300, 1e300).is_finite());
        assert!(modulus(f64::NAN, 1.0).is_nan());
        assert_eq!(modulus(f64::INFINITY, f64::NAN), f64::INFINITY);
    }

    #[test]
    fn rint_rounds_half_to_even() {
        assert_eq!(rint(2.5), 2.0);
        assert_eq!(rint(3.5), 4.0);
        assert_eq!(rint(-0.5), -0.0);
    }
}
