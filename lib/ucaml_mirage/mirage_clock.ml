(* Clocks, with the shapes of MirageOS's [Mirage_clock.MCLOCK] (monotonic,
   nanoseconds since an arbitrary start) and [Mirage_clock.PCLOCK] (POSIX
   time as days and picoseconds since 1970-01-01 UTC). *)

module type MCLOCK = sig
  val elapsed_ns : unit -> int64
  val period_ns : unit -> int64 option
end

module type PCLOCK = sig
  val now_d_ps : unit -> int * int64
  val current_tz_offset_s : unit -> int option
  val period_d_ps : unit -> (int * int64) option
end
