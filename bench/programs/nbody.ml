(* Float arithmetic on records with mutable float fields: a small
   gravitational simulation of a few bodies with a fixed time step.
   Usage: nbody.byte [STEPS] *)

let steps = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 100000

type body = { mutable x : float; mutable y : float; mutable z : float;
              mutable vx : float; mutable vy : float; mutable vz : float;
              m : float }

let mk x y z vx vy vz m = { x; y; z; vx; vy; vz; m }

let bodies = [|
  mk 0. 0. 0. 0. 0. 0. 1000.;
  mk 10. 0. 0. 0. 9.5 0.3 1.;
  mk 0. (-20.) 1. 7.1 0. 0. 2.5;
  mk (-30.) 4. 0. 0. (-5.6) 0.2 0.8;
  mk 5. 45. (-2.) (-4.7) 0.1 0. 0.3;
|]

let energy () =
  let e = ref 0.0 in
  let n = Array.length bodies in
  for i = 0 to n - 1 do
    let b = bodies.(i) in
    e := !e +. 0.5 *. b.m *. (b.vx *. b.vx +. b.vy *. b.vy +. b.vz *. b.vz);
    for j = i + 1 to n - 1 do
      let c = bodies.(j) in
      let dx = b.x -. c.x and dy = b.y -. c.y and dz = b.z -. c.z in
      e := !e -. b.m *. c.m /. sqrt (dx *. dx +. dy *. dy +. dz *. dz)
    done
  done;
  !e

let advance dt =
  let n = Array.length bodies in
  for i = 0 to n - 1 do
    let b = bodies.(i) in
    for j = i + 1 to n - 1 do
      let c = bodies.(j) in
      let dx = b.x -. c.x and dy = b.y -. c.y and dz = b.z -. c.z in
      let d2 = dx *. dx +. dy *. dy +. dz *. dz in
      let mag = dt /. (d2 *. sqrt d2) in
      b.vx <- b.vx -. dx *. c.m *. mag;
      b.vy <- b.vy -. dy *. c.m *. mag;
      b.vz <- b.vz -. dz *. c.m *. mag;
      c.vx <- c.vx +. dx *. b.m *. mag;
      c.vy <- c.vy +. dy *. b.m *. mag;
      c.vz <- c.vz +. dz *. b.m *. mag
    done
  done;
  Array.iter (fun b ->
      b.x <- b.x +. dt *. b.vx;
      b.y <- b.y +. dt *. b.vy;
      b.z <- b.z +. dt *. b.vz) bodies

let () =
  let e0 = energy () in
  for _ = 1 to steps do advance 0.001 done;
  let e1 = energy () in
  Printf.printf "nbody steps=%d e0=%.9f e1=%.9f x1=%.6f\n" steps e0 e1 bodies.(1).x
