(* Clocks and the calendar through the Unix library. *)
open Unix

let show_tm t =
  Printf.sprintf "%04d-%02d-%02d %02d:%02d:%02d wday %d yday %d dst %b" (t.tm_year + 1900) (t.tm_mon + 1)
    t.tm_mday t.tm_hour t.tm_min t.tm_sec t.tm_wday t.tm_yday t.tm_isdst

let () =
  let t0 = gettimeofday () and s0 = time () in
  Printf.printf "gettimeofday and time agree: %b\n" (abs_float (t0 -. s0) < 2.0);
  Printf.printf "time is whole: %b\n" (Float.trunc s0 = s0);
  List.iter (fun t -> print_endline (show_tm (gmtime t))) [0.; 86399.9; 951782400.; 1700000000.; -86400.];
  print_endline (show_tm (localtime 1700000000.));
  let t, tm = mktime { (gmtime 0.) with tm_year = 100; tm_mon = 13; tm_mday = 31; tm_hour = 25 } in
  Printf.printf "mktime normalises: %s, %b\n" (show_tm tm) (t = fst (mktime tm));
  sleepf 0.02;
  sleep 0;
  let t1 = gettimeofday () in
  Printf.printf "slept: %b\n" (t1 -. t0 >= 0.02);
  let tms = times () in
  Printf.printf "times: %b\n" (tms.tms_utime >= 0. && tms.tms_stime >= 0. && tms.tms_cutime >= 0.);
  let f = "unix_time.tmp" in
  close_out (open_out f);
  utimes f 1000000000.5 1234567890.25;
  let st = stat f in
  Printf.printf "utimes: atime %.2f mtime %.2f\n" st.st_atime st.st_mtime;
  utimes f 0. 0.;
  Printf.printf "utimes now: %b\n" ((stat f).st_mtime >= s0 -. 1.);
  Sys.remove f;
  let before = alarm 100 in
  let pending = alarm 0 in
  Printf.printf "alarm: %d %d\n" before pending;
  let it = setitimer ITIMER_REAL { it_interval = 0.; it_value = 50. } in
  Printf.printf "itimer was off: %b, now set: %b\n" (it.it_value = 0.) ((getitimer ITIMER_REAL).it_value > 40.);
  ignore (setitimer ITIMER_REAL { it_interval = 0.; it_value = 0. });
  (try ignore (gmtime nan) with Unix_error (e, fn, _) -> Printf.printf "%s %s\n" (error_message e) fn)
