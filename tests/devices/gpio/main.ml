(* GPIO: the simulated bank of the unix port, or the documented absence of
   GPIO on the emulated board. *)

open Check

let () =
  let g = () in
  let pins = Ucaml_gpio.pins g in
  if pins = 0 then begin
    check "no GPIO: configure says so" (Ucaml_gpio.configure g 2 Mirage_gpio.Output = Error `Not_supported);
    check "no GPIO: get says so" (Ucaml_gpio.get g 2 = Error `Not_supported)
  end else begin
    check "configure an output" (Ucaml_gpio.configure g 5 Mirage_gpio.Output = Ok ());
    check "set it high" (Ucaml_gpio.set g 5 true = Ok ());
    check "reads back high" (Ucaml_gpio.get g 5 = Ok true);
    check "set it low" (Ucaml_gpio.set g 5 false = Ok ());
    check "reads back low" (Ucaml_gpio.get g 5 = Ok false);
    check "pull-up input reads high"
      (Ucaml_gpio.configure g 6 Mirage_gpio.Input_pullup = Ok () && Ucaml_gpio.get g 6 = Ok true);
    check "inputs cannot be driven" (Ucaml_gpio.set g 6 true = Error (`Not_output 6));
    check "pin out of range" (Ucaml_gpio.get g pins = Error (`No_such_pin pins));
    check "negative pin" (Ucaml_gpio.configure g (-1) Mirage_gpio.Input = Error (`No_such_pin (-1)))
  end;
  finish (Printf.sprintf "gpio (%d pins)" pins)
