(* Float arithmetic: Mandelbrot set escape-time counting on an N x N grid.
   Usage: mandelbrot.byte [N] *)

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 200
let max_iter = 100

let () =
  let inside = ref 0 and iters = ref 0 in
  let rows = Array.make n 0 in
  for y = 0 to n - 1 do
    let ci = 2.0 *. float y /. float n -. 1.0 in
    for x = 0 to n - 1 do
      let cr = 2.5 *. float x /. float n -. 2.0 in
      let zr = ref 0.0 and zi = ref 0.0 and k = ref 0 in
      while !k < max_iter && !zr *. !zr +. !zi *. !zi <= 4.0 do
        let t = !zr *. !zr -. !zi *. !zi +. cr in
        zi := 2.0 *. !zr *. !zi +. ci;
        zr := t;
        incr k
      done;
      iters := !iters + !k;
      if !k = max_iter then (incr inside; rows.(y) <- rows.(y) + 1)
    done
  done;
  let h = Array.fold_left (fun h r -> (h * 33 + r) land 0xFFFFFF) 5381 rows in
  Printf.printf "mandelbrot n=%d inside=%d iters=%d rowhash=%d\n" n !inside !iters h
