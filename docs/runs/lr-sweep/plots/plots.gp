reset
set terminal svg size 1000,600 dynamic noenhanced
set key outside right
set grid
set output 'docs/runs/lr-sweep/plots/loss_curves.svg'
set title 'Test loss per epoch'
set xlabel 'epoch'
set ylabel 'test loss'
plot 'docs/runs/lr-sweep/plots/loss_curves.dat' index 0 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 1 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 2 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 3 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 4 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 5 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 6 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 7 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 8 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 9 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 10 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 11 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 12 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 13 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 14 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 15 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 16 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 17 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 18 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 19 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 20 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 21 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 22 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 23 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 24 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 25 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 26 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 27 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 28 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 29 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 30 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 31 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016'
set output 'docs/runs/lr-sweep/plots/energy_by_component.svg'
set title 'Energy per training step, each configuration on its own hardware'
set ylabel 'uJ per step'
set xlabel ''
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border -1
set boxwidth 0.7
set xtics rotate by -40 left font ',9'
set bmargin 12
set key autotitle columnhead
plot 'docs/runs/lr-sweep/plots/energy_by_component.dat' using 2:xtic(1) lc rgb '#1f77b4', '' using 3 lc rgb '#ff7f0e', '' using 4 lc rgb '#2ca02c', '' using 5 lc rgb '#d62728'
unset style
set style data lines
set key noautotitle
set bmargin
set xtics norotate autofreq font ''
set output 'docs/runs/lr-sweep/plots/accuracy_vs_lr.svg'
set title 'Test accuracy vs learning rate'
set xlabel 'learning rate'
set ylabel 'test accuracy (%)'
set logscale x 10
set key noautotitle
plot 'docs/runs/lr-sweep/plots/accuracy_vs_lr.dat' index 0 using 1:2:3:4 with yerrorlines title 'mlp SGD', 'docs/runs/lr-sweep/plots/accuracy_vs_lr.dat' index 1 using 1:2:3:4 with yerrorlines title 'mlp Adam', 'docs/runs/lr-sweep/plots/accuracy_vs_lr.dat' index 2 using 1:2:3:4 with yerrorlines title 'mlp Madam', 'docs/runs/lr-sweep/plots/accuracy_vs_lr.dat' index 3 using 1:2:3:4 with yerrorlines title 'mlp LNS Madam lns8:eta0=0.016'
unset logscale x
reset
set terminal pngcairo size 1000,600 noenhanced
set key outside right
set grid
set output 'docs/runs/lr-sweep/plots/loss_curves.png'
set title 'Test loss per epoch'
set xlabel 'epoch'
set ylabel 'test loss'
plot 'docs/runs/lr-sweep/plots/loss_curves.dat' index 0 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 1 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 2 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 3 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 4 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 5 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 6 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 7 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 8 using 1:3 with linespoints title 'SGD', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 9 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 10 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 11 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 12 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 13 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 14 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 15 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 16 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 17 using 1:3 with linespoints title 'Adam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 18 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 19 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 20 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 21 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 22 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 23 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 24 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 25 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 26 using 1:3 with linespoints title 'Madam', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 27 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 28 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 29 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 30 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016', 'docs/runs/lr-sweep/plots/loss_curves.dat' index 31 using 1:3 with linespoints title 'LNS Madam lns8:eta0=0.016'
set output 'docs/runs/lr-sweep/plots/energy_by_component.png'
set title 'Energy per training step, each configuration on its own hardware'
set ylabel 'uJ per step'
set xlabel ''
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border -1
set boxwidth 0.7
set xtics rotate by -40 left font ',9'
set bmargin 12
set key autotitle columnhead
plot 'docs/runs/lr-sweep/plots/energy_by_component.dat' using 2:xtic(1) lc rgb '#1f77b4', '' using 3 lc rgb '#ff7f0e', '' using 4 lc rgb '#2ca02c', '' using 5 lc rgb '#d62728'
unset style
set style data lines
set key noautotitle
set bmargin
set xtics norotate autofreq font ''
set output 'docs/runs/lr-sweep/plots/accuracy_vs_lr.png'
set title 'Test accuracy vs learning rate'
set xlabel 'learning rate'
set ylabel 'test accuracy (%)'
set logscale x 10
set key noautotitle
plot 'docs/runs/lr-sweep/plots/accuracy_vs_lr.dat' index 0 using 1:2:3:4 with yerrorlines title 'mlp SGD', 'docs/runs/lr-sweep/plots/accuracy_vs_lr.dat' index 1 using 1:2:3:4 with yerrorlines title 'mlp Adam', 'docs/runs/lr-sweep/plots/accuracy_vs_lr.dat' index 2 using 1:2:3:4 with yerrorlines title 'mlp Madam', 'docs/runs/lr-sweep/plots/accuracy_vs_lr.dat' index 3 using 1:2:3:4 with yerrorlines title 'mlp LNS Madam lns8:eta0=0.016'
unset logscale x
