// The Hardhat node the live-path tests run against (`lawdsl chain --node hardhat`): a second EVM
// implementation (EDR) beside anvil. Same chain id and block gas limit as the anvil the tool starts;
// the hardfork matches the contracts' evmVersion (compiler/solc.py).
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      hardfork: "prague",
      blockGasLimit: 30000000,
      mining: { auto: true },
    },
  },
};
