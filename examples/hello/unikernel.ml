(* A unikernel written against device signatures only: it greets, then
   prints a few ticks with their timestamps, sleeping in between (the CPU
   idles while it sleeps). *)

let ( >>= ) = Lwt.bind

(* Civil date of a day count since 1970-01-01 (proleptic Gregorian). *)
let date_of_days days =
  let z = days + 719468 in
  let era = (if z >= 0 then z else z - 146096) / 146097 in
  let doe = z - (era * 146097) in
  let yoe = (doe - (doe / 1460) + (doe / 36524) - (doe / 146096)) / 365 in
  let doy = doe - ((365 * yoe) + (yoe / 4) - (yoe / 100)) in
  let mp = ((5 * doy) + 2) / 153 in
  let d = doy - (((153 * mp) + 2) / 5) + 1 in
  let m = if mp < 10 then mp + 3 else mp - 9 in
  ((yoe + (era * 400)) + (if m <= 2 then 1 else 0), m, d)

let timestamp (days, ps) =
  let y, m, d = date_of_days days in
  let s = Int64.to_int (Int64.div ps 1_000_000_000_000L) in
  let ms = Int64.to_int (Int64.rem (Int64.div ps 1_000_000_000L) 1000L) in
  Printf.sprintf "%04d-%02d-%02d %02d:%02d:%02d.%03d" y m d (s / 3600) (s / 60 mod 60) (s mod 60) ms

module Hello
    (C : Mirage_console.S)
    (T : Mirage_time.S)
    (M : Mirage_clock.MCLOCK)
    (P : Mirage_clock.PCLOCK) =
struct
  let start ?(ticks = 4) ?(interval_ms = 250) c =
    let t0 = M.elapsed_ns () in
    C.log c "hello from a ucaml unikernel" >>= fun () ->
    let rec tick n =
      if n > ticks then C.log c "goodbye"
      else
        T.sleep_ns (Int64.mul (Int64.of_int interval_ms) 1_000_000L) >>= fun () ->
        let elapsed_ms = Int64.div (Int64.sub (M.elapsed_ns ()) t0) 1_000_000L in
        C.log c (Printf.sprintf "tick %d at +%Ld ms (%s)" n elapsed_ms (timestamp (P.now_d_ps ())))
        >>= fun () -> tick (n + 1)
    in
    tick 1
end
