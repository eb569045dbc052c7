(* The main loop's timer queue: ordering, ties, cancellation, many
   sleepers, and sleeping through Ucaml_os.Time under Main.run. *)

open Check

let ( >>= ) = Lwt.bind
let ( >|= ) p f = Lwt.map f p

let queue_order () =
  let q = Ucaml_timers.create () in
  let fired = ref [] in
  let deadlines = [ 50L; 10L; 30L; 10L; 40L; 20L; 0L ] in
  List.iteri (fun i d -> ignore (Ucaml_timers.add q d (fun () -> fired := (d, i) :: !fired))) deadlines;
  check "next deadline is the earliest" (Ucaml_timers.next_deadline q = Some 0L);
  check "nothing due before the earliest" (Ucaml_timers.run_due q (-1L) = 0);
  check "due at 25 runs four" (Ucaml_timers.run_due q 25L = 4);
  check "due at 100 runs the rest" (Ucaml_timers.run_due q 100L = 3);
  check "deadline order, ties in insertion order"
    (List.rev !fired = [ (0L, 6); (10L, 1); (10L, 3); (20L, 5); (30L, 2); (40L, 4); (50L, 0) ]);
  check "empty at the end" (Ucaml_timers.is_empty q && Ucaml_timers.next_deadline q = None)

let queue_cancel () =
  let q = Ucaml_timers.create () in
  let fired = ref 0 in
  let entries = Array.init 1000 (fun i -> Ucaml_timers.add q (Int64.of_int (i mod 97)) (fun () -> incr fired)) in
  Array.iteri (fun i e -> if i mod 10 <> 0 then Ucaml_timers.cancel q e) entries;
  Ucaml_timers.cancel q entries.(1);   (* twice: no effect *)
  check "live count after cancelling" (Ucaml_timers.length q = 100);
  ignore (Ucaml_timers.run_due q 1000L);
  check "only live timers fire" (!fired = 100);
  let e = Ucaml_timers.add q 5L (fun () -> incr fired) in
  Ucaml_timers.cancel q e;
  check "cancelled timer leaves no deadline" (Ucaml_timers.next_deadline q = None)

(* [n] timers (argument 1; default 20000, fewer on small boards). *)
let queue_many () =
  let q = Ucaml_timers.create () in
  let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 20000 in
  let last = ref (-1L) and ordered = ref true in
  Random.init 42;
  for _ = 1 to n do
    let d = Int64.of_int (Random.int 1_000_000) in
    ignore (Ucaml_timers.add q d (fun () -> if Int64.compare d !last < 0 then ordered := false; last := d))
  done;
  check (Printf.sprintf "%d timers all fire" n) (Ucaml_timers.run_due q Int64.max_int = n);
  check (Printf.sprintf "%d timers in order" n) !ordered

(* Sleepers under the real main loop: each wakes no earlier than asked, in
   order of deadline; cancelled ones never wake. *)
let sleepers () =
  let t0 = Ucaml_os.Mclock.elapsed_ns () in
  let woken = ref [] and early = ref 0 in
  let sleeper ms =
    let deadline = Int64.add (Ucaml_os.Mclock.elapsed_ns ()) (Int64.of_int (ms * 1_000_000)) in
    Ucaml_os.Time.sleep_ns (Int64.of_int (ms * 1_000_000)) >>= fun () ->
    if Int64.compare (Ucaml_os.Mclock.elapsed_ns ()) deadline < 0 then incr early;
    woken := Int64.sub deadline t0 :: !woken;
    Lwt.return_unit
  in
  let cancelled = List.init 50 (fun i -> sleeper (5 + i)) in
  let kept = List.init 500 (fun i -> sleeper ((i * 7) mod 60)) in
  List.iter Lwt.cancel cancelled;
  let timeout = Lwt.pick [ Ucaml_os.Time.sleep_ns 10_000_000L >|= (fun () -> `Timeout);
                           Ucaml_os.Time.sleep_ns 10_000_000_000L >|= (fun () -> `Late) ] in
  Ucaml_os.Main.run (Lwt.join kept >>= fun () -> timeout) |> fun r ->
  check "pick: the short sleep wins" (r = `Timeout);
  check "500 sleepers woke" (List.length !woken = 500);
  check "no sleeper woke early" (!early = 0);
  (* Deadlines noted here precede the timer's own by the time sleep_ns takes
     to read the clock (a collection may run in between), hence the slack
     (20 ms) in the order check; the exact order is checked on the queue. *)
  let rec in_order = function
    | a :: (b :: _ as rest) -> Int64.compare b (Int64.sub a 20_000_000L) >= 0 && in_order rest
    | _ -> true
  in
  check "sleepers woke in deadline order" (in_order (List.rev !woken))

let () =
  queue_order ();
  queue_cancel ();
  queue_many ();
  sleepers ();
  finish "timers"
