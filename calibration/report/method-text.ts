// The method statements printed on a certificate, one per measuring method.
export const METHOD_TEXT = {
  register:
    'Start-stop register method: per repetition the source output is off while the device register and the reference standard ' +
    'are read; the output is on for the measuring time between. Error = (E_device - E_reference) / E_reference x 100 %. ' +
    'Measuring time chosen so the register resolution uses at most the plan\'s share of the limit. Device energy taken ' +
    'through the gateway compensation path (device/compensation). Uncertainty: type A s/sqrt(n) (n - 1 degrees of freedom), ' +
    'reference class/sqrt(3) or U_cert/2, register resolution q/(E sqrt(6)); combined root-sum-square; U = k u_c with k = ' +
    'Student t at 95.45 % for the Welch-Satterthwaite effective degrees of freedom.',
  pulse:
    'Pulse method (the standard meter-test method): per repetition the reference standard\'s energy and its pulse input, ' +
    'which counts the DUT\'s test output (LED or S0), are zeroed with the source output off; the output is on for the measuring ' +
    'time; with the output off again the reference energy E_ref and the pulse count N are read. E_device = N x 1000 / K Wh ' +
    '(K the meter constant, imp/kWh), through the gateway compensation path. Error = (E_device - E_ref) / E_ref x 100 %. ' +
    'Measuring time chosen so one pulse uses at most the plan\'s share of the limit. Uncertainty: type A s/sqrt(n), reference ' +
    'class/sqrt(3) or U_cert/2, pulse quantisation q/(E sqrt(6)) with q = 1000/K Wh; U = k u_c, k = Student t at 95.45 % for ' +
    'the Welch-Satterthwaite effective degrees of freedom.',
} as const;
