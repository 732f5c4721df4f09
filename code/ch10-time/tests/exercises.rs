//! One set of tests for each exercise, run against `answers`: the reference
//! solutions by default, the reader's files with `--features check-exercises`
//! (`cargo run -- exercises ch10`). Time is always passed in: no test sleeps.

mod ntp_era {
    use ch10_time::answers::ntp_era::{ntp_to_unix, unix_to_ntp};

    #[test]
    fn the_unix_epoch_and_half_a_second() {
        assert_eq!(unix_to_ntp(0, 0), 0x83AA_7E80u64 << 32);
        assert_eq!(unix_to_ntp(0, 500_000_000), (0x83AA_7E80u64 << 32) | 0x8000_0000);
        assert_eq!(ntp_to_unix(0x83AA_7E80u64 << 32), (0, 0));
        assert_eq!(ntp_to_unix((0x83AA_7E81u64 << 32) | 0x4000_0000), (1, 250_000_000));
    }

    #[test]
    fn the_2036_wrap_is_era_one() {
        // 2036-02-07 06:28:16 UTC: NTP seconds wrap to zero.
        let wrap = 2_085_978_496;
        assert_eq!(unix_to_ntp(wrap, 0), 0);
        assert_eq!(ntp_to_unix(0), (wrap, 0));
        assert_eq!(unix_to_ntp(wrap - 1, 0), 0xFFFF_FFFFu64 << 32);
        assert_eq!(ntp_to_unix(0xFFFF_FFFFu64 << 32), (wrap - 1, 0));
        // 2100-01-01 00:00:00 UTC
        assert_eq!(ntp_to_unix(unix_to_ntp(4_102_444_800, 0)), (4_102_444_800, 0));
    }

    #[test]
    fn a_round_trip_is_exact_to_a_nanosecond() {
        for secs in [-50_000_000i64, 0, 1_700_000_000, 2_085_978_495, 2_085_978_497, 3_000_000_000] {
            for nanos in [0u32, 1, 123_456_789, 999_999_999] {
                let (s, n) = ntp_to_unix(unix_to_ntp(secs, nanos));
                let err = (s * 1_000_000_000 + n as i64) - (secs * 1_000_000_000 + nanos as i64);
                assert_eq!(err, 0, "{secs}.{nanos:09} came back as {s}.{n:09}");
            }
        }
    }
}

mod clock_filter {
    use ch10_time::answers::clock_filter::{best_offset, offset_delay};

    /// An NTP timestamp `secs` seconds after (or before) `base`.
    fn at(base: u64, secs: f64) -> u64 {
        base.wrapping_add((secs * 4_294_967_296.0).round() as i64 as u64)
    }

    /// Equal to within 2 ns: 0.15 s is not a whole number of 2^-32 s units.
    fn close(got: (i64, i64), want: (i64, i64)) {
        assert!((got.0 - want.0).abs() <= 2 && (got.1 - want.1).abs() <= 2, "got {got:?}, want {want:?}");
    }

    #[test]
    fn symmetric_paths_give_the_true_offset() {
        let b = 3_900_000_000u64 << 32;
        // Server 5 s ahead; 1 s each way; it held the request 0.5 s.
        assert_eq!(offset_delay([at(b, 0.0), at(b, 6.0), at(b, 6.5), at(b, 2.5)]), (5_000_000_000, 2_000_000_000));
        // Server 0.25 s behind.
        close(offset_delay([at(b, 0.0), at(b, -0.15), at(b, -0.15), at(b, 0.2)]), (-250_000_000, 200_000_000));
    }

    #[test]
    fn differences_are_right_across_the_2036_wrap() {
        let b = 0xFFFF_FFFFu64 << 32; // one second before the wrap
        assert_eq!(offset_delay([at(b, 0.0), at(b, 2.5), at(b, 2.5), at(b, 1.0)]), (2_000_000_000, 1_000_000_000));
    }

    #[test]
    fn the_sample_with_the_smallest_delay_wins() {
        let b = 3_900_000_000u64 << 32;
        let slow_out = [at(b, 0.0), at(b, 1.9), at(b, 1.9), at(b, 2.0)]; // delay 2, offset 0.9
        let quick = [at(b, 10.0), at(b, 11.01), at(b, 11.01), at(b, 10.02)]; // delay 0.02, offset 1.0
        let slow_back = [at(b, 20.0), at(b, 21.1), at(b, 21.1), at(b, 22.0)]; // delay 2, offset 0.1
        let best = best_offset(&[slow_out, quick, slow_back]).expect("three samples");
        assert!((best - 1_000_000_000).abs() <= 2, "{best}");
        assert_eq!(best_offset(&[]), None);
    }
}

mod rate_limiter {
    use ch10_time::answers::rate_limiter::RateLimiter;
    use std::time::{Duration, Instant};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_full_burst_then_one_per_interval() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(ms(100), 3, t0);
        for _ in 0..3 {
            assert_eq!(limiter.check(t0), Ok(()));
        }
        assert_eq!(limiter.check(t0), Err(t0 + ms(100)), "the fourth waits one interval");
        assert_eq!(limiter.check(t0 + ms(99)), Err(t0 + ms(100)));
        assert_eq!(limiter.check(t0 + ms(100)), Ok(()));
        assert_eq!(limiter.check(t0 + ms(150)), Err(t0 + ms(200)));
        assert_eq!(limiter.check(t0 + ms(200)), Ok(()));
    }

    #[test]
    fn an_idle_limiter_saves_up_no_more_than_a_burst() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(ms(10), 2, t0);
        let later = t0 + Duration::from_secs(60);
        assert_eq!(limiter.check(later), Ok(()));
        assert_eq!(limiter.check(later), Ok(()));
        assert_eq!(limiter.check(later), Err(later + ms(10)));
    }

    #[test]
    fn the_long_run_rate_is_one_per_interval() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(ms(10), 5, t0);
        // Someone tries every millisecond for one second.
        let allowed = (0..1000).filter(|&i| limiter.check(t0 + ms(i)).is_ok()).count();
        assert_eq!(allowed, 100 + 4, "100 intervals plus the initial burst of 5 (one counts in the first interval)");
    }

    #[test]
    fn refusing_does_not_count() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(ms(50), 1, t0);
        assert_eq!(limiter.check(t0), Ok(()));
        for i in 0..10 {
            assert_eq!(limiter.check(t0 + ms(i)), Err(t0 + ms(50)));
        }
        assert_eq!(limiter.check(t0 + ms(50)), Ok(()));
    }
}

mod aligned_phase {
    use ch10_time::answers::aligned_phase::next_boundary_with_phase;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn every_five_minutes_at_two_past() {
        let (five, two) = (Duration::from_secs(300), Duration::from_secs(120));
        let noon = 1_700_000_000 / 3600 * 3600; // a whole hour
        assert_eq!(next_boundary_with_phase(at(noon), five, two), at(noon + 120));
        assert_eq!(next_boundary_with_phase(at(noon + 119), five, two), at(noon + 120));
        assert_eq!(next_boundary_with_phase(at(noon + 120), five, two), at(noon + 420), "strictly after now");
        assert_eq!(next_boundary_with_phase(at(noon + 121), five, two), at(noon + 420));
        assert_eq!(next_boundary_with_phase(at(noon + 299), five, two), at(noon + 420));
        assert_eq!(next_boundary_with_phase(at(noon + 300), five, two), at(noon + 420));
    }

    #[test]
    fn phase_zero_is_the_plain_boundary_and_sub_second_works() {
        let t = at(1_000) + Duration::from_millis(1_250);
        assert_eq!(next_boundary_with_phase(t, Duration::from_secs(1), Duration::ZERO), at(1_002));
        let step = Duration::from_millis(200);
        let got = next_boundary_with_phase(t, step, Duration::from_millis(50));
        assert_eq!(got, at(1_001) + Duration::from_millis(450));
    }

    #[test]
    fn the_result_is_after_now_and_at_most_one_interval_later() {
        let step = Duration::from_millis(700);
        let phase = Duration::from_millis(123);
        let mut t = at(1_700_000_000);
        for _ in 0..50 {
            let next = next_boundary_with_phase(t, step, phase);
            let ahead = next.duration_since(t).expect("the boundary is after now");
            assert!(ahead > Duration::ZERO && ahead <= step, "{ahead:?}");
            let since = next.duration_since(UNIX_EPOCH).unwrap().as_nanos();
            assert_eq!((since - phase.as_nanos()) % step.as_nanos(), 0);
            t += Duration::from_millis(97);
        }
    }
}
